package api

import (
	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// alertRuleHandlers serves /api/v1/alert-rules (SPEC §3.9).
type alertRuleHandlers struct {
	*base
}

// rules is the resource the rule routes share.
func (h *alertRuleHandlers) rules() resource[store.AlertRule, alertRuleView] {
	return resource[store.AlertRule, alertRuleView]{base: h.base, event: "alert_rule",
		load: h.store.AlertRule, page: h.store.ListAlertRules,
		insert: h.store.CreateAlertRule, save: h.store.UpdateAlertRule, remove: h.store.DeleteAlertRule,
		id: func(r *store.AlertRule) string { return r.ID }, audit: alertRuleRes, view: newAlertRuleView}
}

// list answers the organization's rules in creation order, paginated. ?service_id= and
// ?heartbeat_id= keep the rules naming exactly that service or heartbeat (org-wide rules,
// which name none, are not repeated under every service).
func (h *alertRuleHandlers) list(c *gin.Context) error {
	return h.rules().listWhere(c, func() (func(*store.AlertRule) bool, error) {
		svc, svcSet := c.GetQuery("service_id")
		hb, hbSet := c.GetQuery("heartbeat_id")
		return func(r *store.AlertRule) bool {
			return (!svcSet || r.ServiceID == svc) && (!hbSet || r.HeartbeatID == hb)
		}, nil
	})
}

// get answers one rule.
func (h *alertRuleHandlers) get(c *gin.Context) error { return h.rules().get(c) }

// create validates a rule and stores it. Defaults: the condition of SPEC §3.9 (RED and
// YELLOW, 1 failure, 1 success), notify_on_recovery and enabled true, and the severity of
// the organization's alert defaults ("critical" out of the box), so an organization that
// made warnings its default gets warnings from rules that do not say otherwise.
func (h *alertRuleHandlers) create(c *gin.Context) error {
	var req alertRuleRequest
	return h.rules().createFrom(c, &req, func() (*store.AlertRule, error) {
		org := actorOf(c).org
		rule := &store.AlertRule{ID: store.NewID(), Severity: org.Settings.AlertDefaults.Severity, NotifyOnRecovery: true, Enabled: true}
		if rule.Severity == "" {
			rule.Severity = "critical"
		}
		return rule, req.apply(rule, true, newRuleRefs(h.store, org.ID))
	})
}

// update changes the fields sent. References are checked against a copy of the current
// rule before the write transaction, because the lookups open transactions of their own
// and must not run inside the store's update.
func (h *alertRuleHandlers) update(c *gin.Context) error {
	var req alertRuleRequest
	check := func(old *store.AlertRule) error {
		scratch := *old
		return req.apply(&scratch, false, newRuleRefs(h.store, old.OrgID).keeping(old))
	}
	yes := func(string) (bool, error) { return true, nil }
	checked := ruleRefs{service: yes, heartbeat: yes, channel: yes, policy: yes}
	return h.rules().updateChecked(c, &req, check, func(rule *store.AlertRule) error {
		return req.apply(rule, false, checked)
	})
}

// delete removes a rule; the store resolves its open alerts in the same transaction
// (resolved_by "rule deleted"), so no alert is left open without a rule.
func (h *alertRuleHandlers) delete(c *gin.Context) error { return h.rules().delete(c) }
