package api

import (
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// alertView is an alert as the API shows it: exactly the SPEC §3.10 object. References
// and people that are not set (a heartbeat alert has no service, an open alert no
// resolver) are null, as are absent times; so is alert_rule_id of an alert the
// organization's default rule opened (store.DefaultRuleID), which no rule object stands
// behind. The engine's own state (due times, cycle, hold) is never shown.
type alertView struct {
	ID             string     `json:"id"`
	OrganizationID string     `json:"organization_id"`
	ServiceID      *string    `json:"service_id"`
	ServiceName    *string    `json:"service_name"`
	HeartbeatID    *string    `json:"heartbeat_id"`
	AlertRuleID    *string    `json:"alert_rule_id"`
	Severity       string     `json:"severity"`
	Title          string     `json:"title"`
	Message        string     `json:"message"`
	Status         string     `json:"status"`
	FiredAt        time.Time  `json:"fired_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at"`
	AcknowledgedBy *string    `json:"acknowledged_by"`
	ResolvedAt     *time.Time `json:"resolved_at"`
	ResolvedBy     *string    `json:"resolved_by"`
	// AcknowledgedByName and ResolvedByName name those people (the UI never shows a
	// UUID); null when nobody did, or the account is gone.
	AcknowledgedByName *string         `json:"acknowledged_by_name"`
	ResolvedByName     *string         `json:"resolved_by_name"`
	LastCheckAt        *time.Time      `json:"last_check_at"`
	FailureCount       int             `json:"failure_count"`
	EscalationLevel    int             `json:"escalation_level"`
	Notes              []alertNoteView `json:"notes"`
	// FailingRegions names the probe locations whose failures fired the alert of a
	// service checked from several locations (SPEC §8).
	FailingRegions []string `json:"failing_regions,omitempty"`
	// Kind and LocationID mark an alert about a probe location itself
	// ("location.offline", "location.degraded").
	Kind       string `json:"kind,omitempty"`
	LocationID string `json:"location_id,omitempty"`
}

// alertNoteView is one note on an alert.
type alertNoteView struct {
	At     time.Time `json:"at"`
	UserID string    `json:"user_id"`
	// UserName names the note's author (null when the account is gone).
	UserName *string `json:"user_name"`
	Text     string  `json:"text"`
}

func newAlertView(a *store.Alert) alertView {
	v := alertView{ID: a.ID, OrganizationID: a.OrgID, ServiceID: nullable(a.ServiceID),
		ServiceName: nullable(a.ServiceName), HeartbeatID: nullable(a.HeartbeatID),
		AlertRuleID: nullable(ruleIDOf(a)), Severity: a.Severity, Title: a.Title, Message: a.Message,
		Status: a.Status, FiredAt: a.FiredAt.UTC(), AcknowledgedAt: utcPtr(a.AcknowledgedAt),
		AcknowledgedBy: nullable(a.AcknowledgedBy), ResolvedAt: utcPtr(a.ResolvedAt),
		ResolvedBy: nullable(a.ResolvedBy), LastCheckAt: utcPtr(a.LastCheckAt),
		FailureCount: a.FailureCount, EscalationLevel: a.EscalationLevel,
		Notes: make([]alertNoteView, 0, len(a.Notes)), FailingRegions: a.FailingRegions, LocationID: a.LocationID}
	if store.IsLocationRule(a.AlertRuleID) {
		v.Kind, v.AlertRuleID = a.AlertRuleID, nil
	}
	for _, n := range a.Notes {
		v.Notes = append(v.Notes, alertNoteView{At: n.At.UTC(), UserID: n.UserID, Text: n.Text})
	}
	return v
}

// ruleIDOf is the alert's stored rule, or "" for the default rule.
func ruleIDOf(a *store.Alert) string {
	if a.AlertRuleID == store.DefaultRuleID {
		return ""
	}
	return a.AlertRuleID
}

// alertRes names an alert in the audit log.
func alertRes(a *store.Alert) store.AuditResource {
	return store.AuditResource{Type: "alert", ID: a.ID, Name: a.Title}
}
