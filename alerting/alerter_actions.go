package alerting

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// ErrEmptyNote is AddNote's answer to a note without text.
var ErrEmptyNote = errors.New("alerting: a note needs text")

// Acknowledge marks a firing alert acknowledged by by (a user ID), with an optional note.
// It stops escalation and reminders (their due times are cleared) and queues the
// alert.acknowledged notifications (PagerDuty acknowledges the incident) and event in the
// same transaction. An alert already acknowledged or resolved is store.ErrConflict;
// another organization's alert is store.ErrNotFound. audit, if any, commits with it.
func (a *Alerter) Acknowledge(orgID, alertID, by, note string, audit *store.Change) (*store.Alert, error) {
	return a.act(orgID, alertID, audit, func(tx *store.AlertTx, al *store.Alert, now time.Time) (string, error) {
		if al.Status != store.AlertFiring {
			return "", fmt.Errorf("%w: alert is already %s", store.ErrConflict, al.Status)
		}
		al.Status, al.AcknowledgedAt, al.AcknowledgedBy = store.AlertAcknowledged, &now, by
		addNote(al, by, note, now)
		return eventAcknowledged, nil
	})
}

// Resolve marks an open alert resolved by by, with an optional note, clears its due times
// and the rule's counters (so a service still failing opens a new alert only after a new
// streak), and queues the alert.resolved notifications and event in the same transaction.
// A resolved alert is store.ErrConflict; another organization's is store.ErrNotFound.
// audit, if any, commits with it.
func (a *Alerter) Resolve(orgID, alertID, by, note string, audit *store.Change) (*store.Alert, error) {
	return a.act(orgID, alertID, audit, func(tx *store.AlertTx, al *store.Alert, now time.Time) (string, error) {
		if !al.Open() {
			return "", fmt.Errorf("%w: alert is already resolved", store.ErrConflict)
		}
		al.Status, al.ResolvedAt, al.ResolvedBy = store.AlertResolved, &now, by
		addNote(al, by, note, now)
		if err := tx.PutRuleState(orgID, al.AlertRuleID, al.SubjectID(), store.RuleState{}); err != nil {
			return "", err
		}
		return eventResolved, nil
	})
}

// AddNote appends a note by by to an alert, whatever its status (a post-mortem remark on a
// resolved alert is fine). Empty text is ErrEmptyNote.
func (a *Alerter) AddNote(orgID, alertID, by, text string) (*store.Alert, error) {
	if strings.TrimSpace(text) == "" {
		return nil, ErrEmptyNote
	}
	now := a.now()
	return a.db.UpdateAlert(orgID, alertID, func(_ *store.AlertTx, al *store.Alert) error {
		addNote(al, by, text, now)
		return nil
	}, nil)
}

func addNote(al *store.Alert, by, text string, now time.Time) {
	if text = strings.TrimSpace(text); text != "" {
		al.Notes = append(al.Notes, store.AlertNote{At: now, UserID: by, Text: text})
	}
}

// act runs a responder's change of an alert and, in the same transaction, clears its due
// times and tells the rule's channels and the event sinks (unless its notifications are
// held: then nobody was told it fired). audit is recorded in the same transaction.
func (a *Alerter) act(orgID, alertID string, audit *store.Change, change func(*store.AlertTx, *store.Alert, time.Time) (string, error)) (*store.Alert, error) {
	now := a.now()
	return a.db.UpdateAlert(orgID, alertID, func(tx *store.AlertTx, al *store.Alert) error {
		event, err := change(tx, al, now)
		if err != nil {
			return err
		}
		al.NextEscalationAt, al.NextReminderAt = nil, nil
		return a.announce(tx, al, event, now)
	}, audit)
}

// announce queues event's notifications for al to its rule's channels and emits the
// matching webhook event.
func (sm *StateMachine) announce(tx *store.AlertTx, al *store.Alert, event string, now time.Time) error {
	rule, svc, err := sm.ruleOf(tx, al)
	if err != nil {
		return err
	}
	if event == eventResolved {
		if err := sm.resolveIncident(tx, al); err != nil {
			return err
		}
	}
	if rule != nil && !al.Held {
		if err := sm.notifyRule(tx, al, rule, svc, event, now); err != nil {
			return err
		}
	}
	rt := 0
	if svc != nil && svc.LastResponseTimeMS != nil {
		rt = *svc.LastResponseTimeMS
	}
	return tx.Emit(al.OrgID, &store.Event{Name: event, At: now, Data: eventData(al, svc, rt)})
}

// closedByStore is the store.AlertCloser: an alert the store resolved because its rule was
// deleted, disabled or moved gets its alert.resolved notifications (PagerDuty resolves the
// incident) and event in that transaction.
func (sm *StateMachine) closedByStore(tx *store.AlertTx, al *store.Alert) error {
	return sm.announce(tx, al, eventResolved, sm.now())
}
