package alerting

import (
	"errors"
	"fmt"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// ResolvedByServiceDeleted is Alert.ResolvedBy for an alert whose service was deleted.
const ResolvedByServiceDeleted = "service deleted"

// orphanSweepEvery is how often Run looks for open alerts of deleted services.
const orphanSweepEvery = 5 * time.Minute

// ResolveOrphans resolves the open alerts whose service no longer exists: no result will
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
				if al.ServiceID == "" {
					continue // heartbeat alerts: the heartbeat code resolves them
				}
				if _, err := a.db.Service(org.ID, al.ServiceID); !errors.Is(err, store.ErrNotFound) {
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
		if _, err := tx.Service(orgID, al.ServiceID); !errors.Is(err, store.ErrNotFound) {
			return err // nil: the service is back (or never left)
		}
		al.Status, al.ResolvedAt, al.ResolvedBy = store.AlertResolved, &now, ResolvedByServiceDeleted
		al.NextEscalationAt, al.NextReminderAt = nil, nil
		if err := tx.PutRuleState(orgID, al.AlertRuleID, al.ServiceID, store.RuleState{}); err != nil {
			return err
		}
		return a.announce(tx, al, eventResolved, now)
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("alerting: resolve alert %s of a deleted service: %w", alertID, err)
	}
	return nil
}
