package api

import (
	"encoding/json"
	"strconv"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// alertRuleImport is an alert rule element: what it watches, its channels and its
// escalation policy by name.
type alertRuleImport struct {
	Name                     *string               `json:"name"`
	Severity                 *string               `json:"severity"`
	Service                  *string               `json:"service"`
	Heartbeat                *string               `json:"heartbeat"`
	Condition                *conditionRequest     `json:"condition"`
	Channels                 *[]string             `json:"channels"`
	EscalationPolicy         *string               `json:"escalation_policy"`
	NotifyOnRecovery         *bool                 `json:"notify_on_recovery"`
	ReminderIntervalMinutes  *int                  `json:"reminder_interval_minutes"`
	Enabled                  *bool                 `json:"enabled"`
	CreateStatusPageIncident *incidentTemplateItem `json:"create_status_page_incident"`

	// The documentation's form: condition may be a string (conditionRequest),
	// consecutive_failures stands beside it, notify names the channels.
	ConsecutiveFailures *int      `json:"consecutive_failures"`
	Notify              *[]string `json:"notify"`
}

// ruleFields maps the API's ID fields to the document's, for problem paths.
var ruleFields = map[string]string{"service_id": "service", "heartbeat_id": "heartbeat",
	"escalation_policy_id": "escalation_policy", "channel_ids": "channels",
	"status_page_id": "status_page", "component_id": "component"}

// idRef is a resolved reference as the rule request takes it: set, the ID or null.
func idRef(id string) optionalID {
	raw, _ := json.Marshal(id)
	if id == "" {
		raw = []byte("null")
	}
	return optionalID{set: true, raw: raw}
}

// request resolves the element's names into the API's alertRuleRequest.
func (in *alertRuleImport) request(p *importPlan, path string) *alertRuleRequest {
	req := &alertRuleRequest{Name: in.Name, Severity: in.Severity, Condition: in.Condition,
		NotifyOnRecovery: in.NotifyOnRecovery, ReminderIntervalMinutes: in.ReminderIntervalMinutes,
		Enabled: in.Enabled, CreateStatusPageIncident: p.incidentTemplate(path, in.CreateStatusPageIncident),
		ConsecutiveFailures: in.ConsecutiveFailures}
	resolve := func(name *string, field, what string, index map[string]string) optionalID {
		if name == nil || *name == "" {
			return idRef("")
		}
		return idRef(p.ref(path+"."+field, *name, what, index))
	}
	req.ServiceID = resolve(in.Service, "service", "a service of this organization or the document", p.services)
	req.HeartbeatID = resolve(in.Heartbeat, "heartbeat", "a heartbeat of this organization or the document", p.heartbeats)
	req.EscalationPolicyID = resolve(in.EscalationPolicy, "escalation_policy", "an escalation policy of this organization or the document", p.policies)
	ids := []string{} // none listed: every enabled channel, as in the API
	names, field := in.Channels, "channels"
	if in.Notify != nil {
		if in.Channels != nil {
			p.f.add(path+".notify", "is the same as channels: give one of them")
		}
		names, field = in.Notify, "notify"
	}
	if names != nil {
		for j, name := range *names {
			ids = append(ids, p.ref(path+"."+field+"["+strconv.Itoa(j)+"]", name, "a notification channel of this organization or the document", p.channels))
		}
	}
	req.ChannelIDs = &ids
	return req
}

// planRules validates the alert rules through alertRuleRequest.apply, as a POST onto a
// fresh rule (the element is the whole rule; defaults as the API gives them). Rule names
// need not be unique in the API, so a name several existing rules share is refused as
// ambiguous. Writes go through the store's rule methods, which keep its rule cache right.
func (p *importPlan) planRules(items []json.RawMessage) {
	existing := byName(p.st.rules, func(r *store.AlertRule) string { return r.Name })
	rules := (&alertRuleHandlers{base: p.h.base}).rules()
	yes := func(string) (bool, error) { return true, nil } // references were resolved by name
	refs := ruleRefs{service: yes, heartbeat: yes, channel: yes, policy: yes, page: p.pages.page}
	for path, in := range elements(p, "alert_rules", items, func(r *alertRuleImport) *string { return r.Name }) {
		req := in.request(p, path)
		fresh := &store.AlertRule{Severity: p.org.Settings.AlertDefaults.Severity, NotifyOnRecovery: true, Enabled: true}
		if fresh.Severity == "" {
			fresh.Severity = "critical"
		}
		if !p.renamed(path, req.apply(fresh, true, refs), ruleFields) {
			continue
		}
		name := nameOf(p.st.names)
		switch at, found := existing[namekey(fresh.Name)]; {
		case found && at < 0:
			p.f.add(path+".name", "is shared by several alert rules of this organization; rename them first")
		case !found:
			fresh.ID = uuid.Must(uuid.NewV7()).String()
			upsert(p, rules, "alert_rule", fresh.Name, "", fresh, nil)
		case sameJSON(newAlertRuleItem(&p.st.rules[at], name), newAlertRuleItem(fresh, name)):
			p.change("", "alert_rule", fresh.Name, nil)
		default:
			upsert(p, rules, "alert_rule", fresh.Name, p.st.rules[at].ID, fresh, copyRuleConfig)
		}
	}
}

// copyRuleConfig copies the configuration of src onto dst, leaving identity and times.
func copyRuleConfig(dst, src *store.AlertRule) {
	dst.Name, dst.Severity, dst.ServiceID, dst.HeartbeatID = src.Name, src.Severity, src.ServiceID, src.HeartbeatID
	dst.Condition, dst.ChannelIDs, dst.EscalationPolicyID = src.Condition, src.ChannelIDs, src.EscalationPolicyID
	dst.NotifyOnRecovery, dst.ReminderIntervalMinutes = src.NotifyOnRecovery, src.ReminderIntervalMinutes
	dst.Enabled, dst.CreateStatusPageIncident = src.Enabled, src.CreateStatusPageIncident
}
