package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// alertRuleHandlers serves /api/v1/alert-rules (SPEC §3.9).
type alertRuleHandlers struct {
	*base
}

// rule loads the :id rule of the active organization; any other is 404.
func (h *alertRuleHandlers) rule(c *gin.Context) (*store.AlertRule, error) {
	return h.store.AlertRule(actorOf(c).org.ID, c.Param("id"))
}

// list answers the organization's rules in creation order, paginated. ?service_id= and
// ?heartbeat_id= keep the rules naming exactly that service or heartbeat (org-wide rules,
// which name none, are not repeated under every service).
func (h *alertRuleHandlers) list(c *gin.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	all, err := h.store.AlertRules(actorOf(c).org.ID, "")
	if err != nil {
		return err
	}
	svc, svcSet := c.GetQuery("service_id")
	hb, hbSet := c.GetQuery("heartbeat_id")
	kept := all[:0]
	for _, r := range all {
		if (!svcSet || r.ServiceID == svc) && (!hbSet || r.HeartbeatID == hb) {
			kept = append(kept, r)
		}
	}
	kept = paginate(c, kept, func(r store.AlertRule) string { return r.ID }, pg)
	out := make([]alertRuleView, 0, len(kept))
	for i := range kept {
		out = append(out, newAlertRuleView(&kept[i]))
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// get answers one rule.
func (h *alertRuleHandlers) get(c *gin.Context) error {
	r, err := h.rule(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newAlertRuleView(r))
	return nil
}

// create validates a rule and stores it. Defaults: the condition of SPEC §3.9 (RED and
// YELLOW, 1 failure, 1 success), notify_on_recovery and enabled true, and the severity of
// the organization's alert defaults ("critical" out of the box), so an organization that
// made warnings its default gets warnings from rules that do not say otherwise.
func (h *alertRuleHandlers) create(c *gin.Context) error {
	var req alertRuleRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	org := actorOf(c).org
	rule := &store.AlertRule{ID: store.NewID(), Severity: org.Settings.AlertDefaults.Severity, NotifyOnRecovery: true, Enabled: true}
	if rule.Severity == "" {
		rule.Severity = "critical"
	}
	if err := req.apply(rule, true, newRuleRefs(h.store, org.ID)); err != nil {
		return err
	}
	entry := h.auditEntry(c, "alert_rule.created", alertRuleRes(rule), nil)
	if err := h.store.CreateAlertRule(org.ID, rule, audited(entry)); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, newAlertRuleView(rule))
	return nil
}

// update changes the fields sent. References are checked against a copy of the current
// rule before the write transaction, because the lookups open transactions of their own
// and must not run inside the store's update.
func (h *alertRuleHandlers) update(c *gin.Context) error {
	old, err := h.rule(c)
	if err != nil {
		return err // 404 before the body is judged
	}
	var req alertRuleRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	scratch := *old
	if err := req.apply(&scratch, false, newRuleRefs(h.store, orgID).keeping(old)); err != nil {
		return err
	}
	yes := func(string) (bool, error) { return true, nil }
	checked := ruleRefs{service: yes, heartbeat: yes, channel: yes, policy: yes}
	entry := h.auditEntry(c, "alert_rule.updated", store.AuditResource{}, nil)
	rule, err := h.store.UpdateAlertRule(orgID, old.ID, naming(entry, alertRuleRes, func(r *store.AlertRule) error {
		return req.apply(r, false, checked)
	}), audited(entry))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newAlertRuleView(rule))
	return nil
}

// delete removes a rule; the store resolves its open alerts in the same transaction
// (resolved_by "rule deleted"), so no alert is left open without a rule.
func (h *alertRuleHandlers) delete(c *gin.Context) error {
	r, err := h.rule(c)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "alert_rule.deleted", alertRuleRes(r), nil)
	if err := h.store.DeleteAlertRule(r.OrgID, r.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
