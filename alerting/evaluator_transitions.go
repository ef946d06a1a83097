package alerting

import (
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// newID returns a UUIDv7 (outbox entries and alerts sort by creation).
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// severityOf is the rule's severity, critical when unset.
func severityOf(rule *store.AlertRule) string {
	if rule.Severity == "" {
		return "critical"
	}
	return rule.Severity
}

// failMessage is the alert message of SPEC §3.10.
func failMessage(status, errText string) string {
	if errText == "" {
		return "Check failed with status " + status
	}
	return "Check failed with status " + status + ": " + errText
}

// open opens the rule's alert on the service after failures consecutive failures, with
// its notifications, events and escalation in this transaction. During a mass failure
// (§4.5) the alert opens held: its notifications wait (see stillFailing) and the instance
// admin is told once instead.
func (sm *StateMachine) open(tx *store.AlertTx, ev *store.ResultEvent, rule *store.AlertRule, failures int) error {
	now, r := sm.now(), ev.Result
	checked := r.CheckedAt.UTC()
	al := &store.Alert{ID: newID(), OrgID: ev.OrgID, ServiceID: ev.Service.ID, ServiceName: ev.Service.Name,
		AlertRuleID: rule.ID, Severity: alertSeverity(rule, ev), Title: rule.Name + " Triggered by Check",
		Message: failMessage(ev.ProbeStatus, r.Error), Status: store.AlertFiring, FiredAt: now,
		LastCheckAt: &checked, FailureCount: failures, LastStatus: ev.ProbeStatus, LastError: r.Error,
		FailingRegions: ev.FailingRegions}
	if sm.holds(ev) {
		al.Held = true
		if sm.builtin(r.Location) {
			// An agent location's episode is its location.degraded alert (LocationWatch).
			if err := sm.announceMassFailure(tx, r.CheckedAt); err != nil {
				return err
			}
		}
	} else if err := sm.fireService(tx, al, rule, ev, now); err != nil {
		return err
	}
	return tx.CreateAlert(al)
}

// fireService fires a service alert: notifications, escalation, and the monitor.down
// (monitor.degraded for YELLOW) event for webhook subscriptions, which are held with the
// notifications during a mass failure.
func (sm *StateMachine) fireService(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule, ev *store.ResultEvent, now time.Time) error {
	if err := sm.fire(tx, al, rule, ev.Service, now); err != nil {
		return err
	}
	return tx.Emit(ev.OrgID, &store.Event{Name: downEvent(ev), At: now, Data: eventData(al, ev.Service, ev.Result.ResponseTimeMS)})
}

// fire sends the alert's first notifications and starts its escalation and reminders.
func (sm *StateMachine) fire(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule, svc *store.Service, now time.Time) error {
	if err := sm.notifyRule(tx, al, rule, svc, eventFired, now); err != nil {
		return err
	}
	if err := sm.schedule(tx, al, rule); err != nil {
		return err
	}
	if err := sm.openIncident(tx, al, rule); err != nil { // alerting/incidents.go
		return err
	}
	return sm.escalate(tx, al, rule, svc, now)
}

// downEvent is the webhook event of a failing result: monitor.down, or monitor.degraded
// for a YELLOW one.
func downEvent(ev *store.ResultEvent) string {
	if ev.ProbeStatus == store.StatusYellow {
		return "monitor.degraded"
	}
	return "monitor.down"
}

// holds reports whether a new or still failing alert's notifications are held: its
// location is in a mass failure (§4.5). A service of several locations is never held — a
// degraded location is left out of its quorum instead.
func (sm *StateMachine) holds(ev *store.ResultEvent) bool {
	return !ev.Service.MultiLocation() && sm.massFor(ev.OrgID, ev.Result.Location).active(ev.Result.CheckedAt)
}

// stillFailing updates the open alert with another failure. A held alert whose mass
// failure is over is released: its notifications go out now, as the service is still
// failing on its own. A failure of a higher severity (a critical response time while a
// warning alert is open) escalates the alert: see raiseSeverity.
func (sm *StateMachine) stillFailing(tx *store.AlertTx, ev *store.ResultEvent, rule *store.AlertRule, al *store.Alert) error {
	checked := ev.Result.CheckedAt.UTC()
	al.FailureCount++
	al.LastCheckAt, al.LastStatus, al.LastError = &checked, ev.ProbeStatus, ev.Result.Error
	al.Message = failMessage(ev.ProbeStatus, ev.Result.Error)
	if ev.FailingRegions != nil {
		al.FailingRegions = ev.FailingRegions
	}
	raised := raiseSeverity(al, alertSeverity(rule, ev))
	switch {
	case al.Held && !sm.holds(ev):
		al.Held = false
		if err := sm.fireService(tx, al, rule, ev, sm.now()); err != nil {
			return err
		}
	case raised && !al.Held && al.Status == store.AlertFiring:
		if err := sm.escalated(tx, al, rule, ev); err != nil {
			return err
		}
	}
	return tx.PutAlert(al)
}

// raiseSeverity sets al's severity to sev when sev is higher, and reports whether it did.
// Severity never falls while the alert is open: a critical alert that sees a warning-level
// failure stays critical until it resolves.
func raiseSeverity(al *store.Alert, sev string) bool {
	if severityRank(sev) <= severityRank(al.Severity) {
		return false
	}
	al.Severity = sev
	return true
}

// escalated announces an alert whose severity rose while it fires: the rule's channels
// are notified again at the new severity (a channel that takes only critical alerts hears
// of it now for the first time), and webhooks get monitor.down (monitor.degraded for a
// YELLOW result). An acknowledged alert is left alone: someone is already on it.
func (sm *StateMachine) escalated(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule, ev *store.ResultEvent) error {
	now := sm.now()
	if err := sm.notifyRule(tx, al, rule, ev.Service, eventFired, now); err != nil {
		return err
	}
	return tx.Emit(ev.OrgID, &store.Event{Name: downEvent(ev), At: now, Data: eventData(al, ev.Service, ev.Result.ResponseTimeMS)})
}

// recovered resolves the alert after the success streak (resolved_by "auto"), telling the
// rule's channels how long it was down (see notifyRule for notify_on_recovery), and the
// webhooks monitor.recovered and alert.resolved (a held alert, never announced, resolves
// silently).
func (sm *StateMachine) recovered(tx *store.AlertTx, ev *store.ResultEvent, rule *store.AlertRule, al *store.Alert) error {
	now := sm.now()
	al.Status, al.ResolvedAt, al.ResolvedBy = store.AlertResolved, &now, store.ResolvedByAuto
	al.NextEscalationAt, al.NextReminderAt = nil, nil
	if err := tx.PutAlert(al); err != nil || al.Held {
		return err // a held alert was never announced: it resolves silently
	}
	if err := sm.resolveIncident(tx, al); err != nil {
		return err
	}
	if err := sm.notifyRule(tx, al, rule, ev.Service, eventResolved, now); err != nil {
		return err
	}
	data := eventData(al, ev.Service, ev.Result.ResponseTimeMS)
	if err := tx.Emit(ev.OrgID, &store.Event{Name: "monitor.recovered", At: now, Data: data}); err != nil {
		return err
	}
	return tx.Emit(ev.OrgID, &store.Event{Name: "alert.resolved", At: now, Data: data})
}
