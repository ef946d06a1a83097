package alerting

import (
	"errors"
	"fmt"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// ResolvedByServiceDeleted is Alert.ResolvedBy for an alert whose service was deleted;
// ResolvedByHeartbeatDeleted for one whose heartbeat was.
const (
	ResolvedByServiceDeleted   = "service deleted"
	ResolvedByHeartbeatDeleted = "heartbeat deleted"
)

// orphanSweepEvery is how often Run looks for open alerts of deleted services and heartbeats.
const orphanSweepEvery = 5 * time.Minute

// ResolveOrphans resolves the open alerts whose service or heartbeat no longer exists: no result or ping will
// ever resolve them, and their escalation would page people about nothing. Each is
// resolved in its own transaction with its alert.resolved notifications (PagerDuty closes
// the incident). Run calls it every few minutes; it returns how many it resolved.
func (a *Alerter) ResolveOrphans() (int, error) {
	orgs, err := a.db.Organizations()
	if err != nil {
		return 0, err
	}
	resolved := 0
	var errs []error
	for _, org := range orgs {
		cursor := ""
		for {
			open, next, err := a.db.Alerts(org.ID, store.AlertFilter{Limit: 1000, Cursor: cursor})
			if err != nil {
				errs = append(errs, err)
				break
			}
			for _, al := range open {
				if !a.subjectGone(org.ID, &al) {
					continue
				}
				if err := a.resolveOrphan(org.ID, al.ID); err != nil {
					errs = append(errs, err)
				} else {
					resolved++
				}
			}
			if cursor = next; cursor == "" {
				break
			}
		}
	}
	return resolved, errors.Join(errs...)
}

// resolveOrphan resolves one alert of a deleted service, re-checking inside the
// transaction that it is still open and its service still gone.
func (a *Alerter) resolveOrphan(orgID, alertID string) error {
	now := a.now()
	_, err := a.db.UpdateAlert(orgID, alertID, func(tx *store.AlertTx, al *store.Alert) error {
		if !al.Open() {
			return nil
		}
		by, subject := ResolvedByServiceDeleted, al.ServiceID
		var err error
		if al.ServiceID != "" {
			_, err = tx.Service(orgID, al.ServiceID)
		} else {
			by, subject = ResolvedByHeartbeatDeleted, al.HeartbeatID
			_, err = tx.Heartbeat(orgID, al.HeartbeatID)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err // nil: the subject is back (or never left)
		}
		al.Status, al.ResolvedAt, al.ResolvedBy = store.AlertResolved, &now, by
		al.NextEscalationAt, al.NextReminderAt = nil, nil
		if err := tx.PutRuleState(orgID, al.AlertRuleID, subject, store.RuleState{}); err != nil {
			return err
		}
		return a.announce(tx, al, eventResolved, now)
	}, nil)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("alerting: resolve alert %s of a deleted service or heartbeat: %w", alertID, err)
	}
	return nil
}

// subjectGone reports whether the service or heartbeat of an open alert has been deleted
// (a lookup error other than not-found counts as "still there": the sweep runs again).
func (a *Alerter) subjectGone(orgID string, al *store.Alert) bool {
	var err error
	switch {
	case al.ServiceID != "":
		_, err = a.db.Service(orgID, al.ServiceID)
	case al.HeartbeatID != "":
		_, err = a.db.Heartbeat(orgID, al.HeartbeatID)
	default:
		return false
	}
	return errors.Is(err, store.ErrNotFound)
}
