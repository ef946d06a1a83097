package api

import (
	"github.com/alertifypro/alertifypro/store"
)

// nameFunc names a referenced object by its ID: services, heartbeats, channels,
// escalation policies and teams by name, members by e-mail (IDs are UUIDs, unique across
// kinds, so one map serves them all). An ID nothing answers to (deleted meanwhile) is
// written as the ID itself, which import then refuses as an unknown name.
type nameFunc func(id string) string

// escalationPolicyItem is an escalation policy (SPEC §3.12); each step names its target.
type escalationPolicyItem struct {
	Name        string               `json:"name"`
	Description string               `json:"description"`
	Repeat      int                  `json:"repeat"`
	Rules       []escalationStepItem `json:"rules"`
}

// escalationStepItem is one level: notify is the channel's or team's name, or the
// member's e-mail address, after notify_type.
type escalationStepItem struct {
	Level        int    `json:"level"`
	DelayMinutes int    `json:"delay_minutes"`
	NotifyType   string `json:"notify_type"`
	Notify       string `json:"notify"`
}

func newEscalationPolicyItem(p *store.EscalationPolicy, name nameFunc) escalationPolicyItem {
	v := escalationPolicyItem{Name: p.Name, Description: p.Description, Repeat: p.Repeat,
		Rules: make([]escalationStepItem, 0, len(p.Rules))}
	for _, s := range p.Rules {
		v.Rules = append(v.Rules, escalationStepItem{Level: s.Level, DelayMinutes: s.DelayMinutes, NotifyType: s.NotifyType, Notify: name(s.NotifyID)})
	}
	return v
}

// alertRuleItem is an alert rule (SPEC §3.9). service and heartbeat name what it watches
// (both absent: every service of the organization); channels names the channels (empty:
// every enabled channel).
type alertRuleItem struct {
	Name                     string                `json:"name"`
	Severity                 string                `json:"severity"`
	Service                  *string               `json:"service,omitempty"`
	Heartbeat                *string               `json:"heartbeat,omitempty"`
	Condition                conditionItem         `json:"condition"`
	Channels                 []string              `json:"channels"`
	EscalationPolicy         *string               `json:"escalation_policy,omitempty"`
	NotifyOnRecovery         bool                  `json:"notify_on_recovery"`
	ReminderIntervalMinutes  int                   `json:"reminder_interval_minutes"`
	Enabled                  bool                  `json:"enabled"`
	CreateStatusPageIncident *incidentTemplateItem `json:"create_status_page_incident"`
}

// conditionItem is a rule's condition; the expression is left out when there is none.
type conditionItem struct {
	Statuses             []string `json:"statuses"`
	ConsecutiveFailures  int      `json:"consecutive_failures"`
	ConsecutiveSuccesses int      `json:"consecutive_successes"`
	Expression           *string  `json:"expression,omitempty"`
}

func newAlertRuleItem(r *store.AlertRule, name nameFunc) alertRuleItem {
	v := newAlertRuleView(r) // the API's own rendering of defaults and nulls
	ref := func(id *string) *string {
		if id == nil {
			return nil
		}
		n := name(*id)
		return &n
	}
	out := alertRuleItem{Name: v.Name, Severity: v.Severity, Service: ref(v.ServiceID),
		Heartbeat: ref(v.HeartbeatID), EscalationPolicy: ref(v.EscalationPolicyID),
		Condition: conditionItem{Statuses: v.Condition.Statuses, ConsecutiveFailures: v.Condition.ConsecutiveFailures,
			ConsecutiveSuccesses: v.Condition.ConsecutiveSuccesses, Expression: v.Condition.Expression},
		Channels: make([]string, 0, len(v.ChannelIDs)), NotifyOnRecovery: v.NotifyOnRecovery,
		ReminderIntervalMinutes: v.ReminderIntervalMinutes, Enabled: v.Enabled, CreateStatusPageIncident: newIncidentTemplateItem(v.CreateStatusPageIncident, name)}
	for _, id := range v.ChannelIDs {
		out.Channels = append(out.Channels, name(id))
	}
	return out
}

// statusPageItem is a status page (SPEC §3.16). The slug is exported as is; slugs are
// unique across the instance, so a copy imported next to the original needs a new one.
type statusPageItem struct {
	Name                 string          `json:"name"`
	Slug                 string          `json:"slug"`
	IsPublic             bool            `json:"is_public"`
	Branding             store.Branding  `json:"branding"`
	Components           []componentItem `json:"components"`
	ShowUptimeBars       bool            `json:"show_uptime_bars"`
	HistoryDays          int             `json:"history_days"`
	SubscriptionsEnabled bool            `json:"subscriptions_enabled"`
	SubscriberMode       string          `json:"subscriber_mode"`
	SubscriberDomains    []string        `json:"subscriber_domains"`
	Language             string          `json:"language"`
	// EmailTemplate is the page's subscriber e-mail template; absent: the default.
	EmailTemplate *store.EmailTemplate `json:"email_template,omitempty"`
	// SMSSubscriptions is the page's SMS setting, naming its channel; absent while off
	// and never set (config_import_pages_sms.go).
	SMSSubscriptions *smsSubscriptionsItem `json:"sms_subscriptions,omitempty"`
}

// componentItem is one component, naming its service or heartbeat. Components are
// matched by name on import, so an updated page keeps its component IDs (which incidents
// and badge URLs use).
type componentItem struct {
	Name         string  `json:"name"`
	Service      *string `json:"service,omitempty"`
	Heartbeat    *string `json:"heartbeat,omitempty"`
	Group        string  `json:"group"`
	Description  string  `json:"description"`
	DisplayOrder int     `json:"display_order"`
}

func newStatusPageItem(p *store.StatusPage, name nameFunc) statusPageItem {
	v := statusPageItem{Name: p.Name, Slug: p.Slug, IsPublic: p.IsPublic, Branding: p.Branding,
		Components: make([]componentItem, 0, len(p.Components)), ShowUptimeBars: p.ShowUptimeBars,
		HistoryDays: p.HistoryDays, SubscriptionsEnabled: p.SubscriptionsEnabled,
		SubscriberMode: p.SubscriberMode, SubscriberDomains: p.SubscriberDomains, Language: pageLanguage(p),
		SMSSubscriptions: newSMSSubscriptionsItem(p, name)}
	if !p.EmailTemplate.IsZero() {
		v.EmailTemplate = p.EmailTemplate
	}
	if v.SubscriberDomains == nil {
		v.SubscriberDomains = []string{}
	}
	for _, c := range p.Components {
		item := componentItem{Name: c.Name, Group: c.Group, Description: c.Description, DisplayOrder: c.DisplayOrder}
		if c.ServiceID != "" {
			n := name(c.ServiceID)
			item.Service = &n
		}
		if c.HeartbeatID != "" {
			n := name(c.HeartbeatID)
			item.Heartbeat = &n
		}
		v.Components = append(v.Components, item)
	}
	return v
}
