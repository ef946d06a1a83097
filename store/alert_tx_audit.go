package store

// Audit events the alert state machine writes itself (SPEC §3.17): acknowledge and
// resolve by a person are audited by the API with their actor; firing and recovering
// are the system's own doing.
const (
	AuditAlertFired        = "alert.fired"
	AuditAlertAutoResolved = "alert.auto_resolved"
)

// auditAlert appends event about a to its organization's audit log inside the alert
// transaction, so the entry commits with the alert change or not at all.
func (t *AlertTx) auditAlert(a *Alert, event string) error {
	meta := map[string]any{"severity": a.Severity}
	switch {
	case a.ServiceID != "":
		meta["service_id"], meta["service_name"] = a.ServiceID, a.ServiceName
	case a.HeartbeatID != "":
		meta["heartbeat_id"] = a.HeartbeatID
	case a.LocationID != "":
		meta["location_id"] = a.LocationID
	}
	if a.AlertRuleID != "" {
		meta["alert_rule_id"] = a.AlertRuleID
	}
	if len(a.FailingRegions) > 0 {
		meta["failing_regions"] = a.FailingRegions
	}
	return t.db.appendAudit(t.tx, a.OrgID, &AuditEntry{Event: event,
		Actor:    AuditActor{Type: "system"},
		Resource: AuditResource{Type: "alert", ID: a.ID, Name: a.Title}, Metadata: meta})
}
