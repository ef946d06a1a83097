package api

import (
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// alertRuleView is an alert rule as the API shows it: the SPEC §3.9 object plus
// create_status_page_incident and updated_at. Unset references are null, channel_ids is
// never null ([] = every enabled channel of the organization).
type alertRuleView struct {
	ID                       string                `json:"id"`
	OrganizationID           string                `json:"organization_id"`
	ServiceID                *string               `json:"service_id"`
	HeartbeatID              *string               `json:"heartbeat_id"`
	Name                     string                `json:"name"`
	Severity                 string                `json:"severity"`
	Condition                conditionView         `json:"condition"`
	ChannelIDs               []string              `json:"channel_ids"`
	EscalationPolicyID       *string               `json:"escalation_policy_id"`
	NotifyOnRecovery         bool                  `json:"notify_on_recovery"`
	ReminderIntervalMinutes  int                   `json:"reminder_interval_minutes"`
	Enabled                  bool                  `json:"enabled"`
	CreateStatusPageIncident *incidentTemplateView `json:"create_status_page_incident"`
	CreatedAt                time.Time             `json:"created_at"`
	UpdatedAt                time.Time             `json:"updated_at"`
}

// conditionView is a rule's condition; expression is null when the rule has none and
// otherwise in canonical form.
type conditionView struct {
	Statuses             []string `json:"statuses"`
	ConsecutiveFailures  int      `json:"consecutive_failures"`
	ConsecutiveSuccesses int      `json:"consecutive_successes"`
	Expression           *string  `json:"expression"`
}

// nullable returns nil for "" and &s otherwise (SPEC: absent values are null).
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func newAlertRuleView(r *store.AlertRule) alertRuleView {
	cond := conditionView{Statuses: r.Condition.Statuses, ConsecutiveFailures: r.Condition.ConsecutiveFailures,
		ConsecutiveSuccesses: r.Condition.ConsecutiveSuccesses, Expression: nullable(r.Condition.Expression)}
	if cond.Statuses == nil {
		cond.Statuses = []string{}
	}
	v := alertRuleView{ID: r.ID, OrganizationID: r.OrgID, ServiceID: nullable(r.ServiceID),
		HeartbeatID: nullable(r.HeartbeatID), Name: r.Name, Severity: r.Severity, Condition: cond,
		ChannelIDs: r.ChannelIDs, EscalationPolicyID: nullable(r.EscalationPolicyID),
		NotifyOnRecovery: r.NotifyOnRecovery, ReminderIntervalMinutes: r.ReminderIntervalMinutes,
		Enabled: r.Enabled, CreateStatusPageIncident: newIncidentTemplateView(r.CreateStatusPageIncident),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if v.ChannelIDs == nil {
		v.ChannelIDs = []string{}
	}
	return v
}

// alertRuleRes names a rule in the audit log.
func alertRuleRes(r *store.AlertRule) store.AuditResource {
	return store.AuditResource{Type: "alert_rule", ID: r.ID, Name: r.Name}
}
