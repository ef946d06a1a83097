package alerting

import (
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// Messages of automatic incidents on the public page.
const autoIncidentResolved = "This incident has been resolved."

// openIncident opens the rule's automatic status-page incident for al when it fires
// (create_status_page_incident, SPEC §3.16), in the alert's transaction: the store's
// incident code emits incident.created and queues the page's subscriber notices. The page
// is public, so the title is the rule's name (the alert title without its "Triggered by
// Check" suffix) and the first update is the alert message WITHOUT the check's error text,
// which may name hosts or addresses (SPEC §5).
func (sm *StateMachine) openIncident(tx *store.AlertTx, al *store.Alert, rule *store.AlertRule) error {
	if !rule.CreateStatusPageIncident.Enabled() {
		return nil
	}
	title := strings.TrimSuffix(al.Title, " Triggered by Check")
	msg := al.Message
	if al.LastError != "" {
		msg = strings.TrimSuffix(msg, ": "+al.LastError)
	}
	inc, err := tx.OpenIncident(al, rule.CreateStatusPageIncident, title, msg)
	if err == nil && inc != nil {
		sm.wakeAfter(tx) // subscriber notices were queued
	}
	return err
}

// resolveIncident posts the resolution to the incident al opened, if any, in the
// transaction that resolves al (automatically, by a responder or by the store).
func (sm *StateMachine) resolveIncident(tx *store.AlertTx, al *store.Alert) error {
	inc, err := tx.ResolveIncident(al.OrgID, al.ID, autoIncidentResolved)
	if err == nil && inc != nil {
		sm.wakeAfter(tx)
	}
	return err
}

// wakeAfter wakes the outbox sender once tx commits.
func (sm *StateMachine) wakeAfter(tx *store.AlertTx) {
	if sm.cfg.Wake != nil {
		tx.AfterCommit(sm.cfg.Wake)
	}
}
