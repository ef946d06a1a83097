package alerting

import (
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Heartbeat names the heartbeat a transition is about (heartbeatTransition adapts the
// store's heartbeat to it).
type Heartbeat struct {
	ID, Name string
}

// heartbeatRules returns the enabled rules of a heartbeat or, with none, the
// organization's default rule for it (severity, channels and recovery notice from the
// defaults; SPEC §3.14: the grace period is the threshold, so it opens at once).
func heartbeatRules(tx *store.AlertTx, orgID string, hb Heartbeat) ([]store.AlertRule, error) {
	rules, err := tx.HeartbeatRules(orgID, hb.ID)
	if err != nil || len(rules) > 0 {
		return rules, err
	}
	org, err := tx.Org(orgID)
	if err != nil {
		return nil, err
	}
	var def store.AlertRule
	defaultRule(&def, org, hb.Name)
	return []store.AlertRule{def}, nil
}

// HeartbeatFailed opens (at once) the alert of every rule covering the heartbeat, or
// counts another failure on the one already open, with notifications and escalation in
// tx. reason is "missed" (no ping within schedule + grace) or "fail" (an explicit /fail
// ping). Call it inside the write transaction that marks the heartbeat down, so the
// status change and the alert commit together. The heartbeat.missed event is the
// heartbeat code's to emit.
func (sm *StateMachine) HeartbeatFailed(tx *store.AlertTx, orgID string, hb Heartbeat, at time.Time, reason string) error {
	rules, err := heartbeatRules(tx, orgID, hb)
	if err != nil {
		return err
	}
	msg := heartbeatMissedMessage
	if reason == "fail" {
		msg = heartbeatFailedMessage
	}
	now, checked := sm.now(), at.UTC()
	for i := range rules {
		rule := &rules[i]
		open, err := tx.OpenAlert(orgID, rule.ID, hb.ID)
		if err != nil {
			return err
		}
		if open != nil {
			open.FailureCount++
			open.LastCheckAt, open.Message, open.LastError = &checked, msg, msg
			if err := tx.PutAlert(open); err != nil {
				return err
			}
			continue
		}
		al := &store.Alert{ID: newID(), OrgID: orgID, HeartbeatID: hb.ID, AlertRuleID: rule.ID,
			Severity: severityOf(rule), Title: rule.Name + " Triggered by Check", Message: msg,
			Status: store.AlertFiring, FiredAt: now, LastCheckAt: &checked, FailureCount: 1,
			LastStatus: store.StatusRed, LastError: msg}
		if err := sm.fire(tx, al, rule, nil, now); err != nil {
			return err
		}
		if err := tx.CreateAlert(al); err != nil {
			return err
		}
	}
	return nil
}

// HeartbeatRecovered resolves ("auto") the open alerts of the heartbeat after a ping,
// queueing the recovery notices (see notifyRule), inside tx.
func (sm *StateMachine) HeartbeatRecovered(tx *store.AlertTx, orgID string, hb Heartbeat, at time.Time) error {
	rules, err := heartbeatRules(tx, orgID, hb)
	if err != nil {
		return err
	}
	now := sm.now()
	for i := range rules {
		rule := &rules[i]
		al, err := tx.OpenAlert(orgID, rule.ID, hb.ID)
		if err != nil || al == nil {
			if err != nil {
				return err
			}
			continue
		}
		al.Status, al.ResolvedAt, al.ResolvedBy = store.AlertResolved, &now, store.ResolvedByAuto
		al.NextEscalationAt, al.NextReminderAt, al.LastStatus = nil, nil, store.StatusGreen
		if err := sm.notifyRule(tx, al, rule, nil, eventResolved, now); err != nil {
			return err
		}
		if err := sm.resolveIncident(tx, al); err != nil {
			return err
		}
		if err := tx.PutAlert(al); err != nil {
			return err
		}
		if err := tx.Emit(orgID, &store.Event{Name: "alert.resolved", At: now, Data: eventData(al, nil, 0)}); err != nil {
			return err
		}
	}
	return nil
}
