package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// escalationPolicyHandlers serves /api/v1/escalation-policies (SPEC §3.12).
type escalationPolicyHandlers struct {
	*base
}

// escalationPolicyView is a policy as the API shows it: the SPEC §3.12 object plus its
// times. rules is never null and is ordered by level.
type escalationPolicyView struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	Description string               `json:"description"`
	Repeat      int                  `json:"repeat"`
	Rules       []escalationStepView `json:"rules"`
	// NotifiesNobody is true for a policy without steps, and Note says what that means.
	NotifiesNobody bool      `json:"notifies_nobody"`
	Note           string    `json:"note,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// escalationStepView is one level of a policy.
type escalationStepView struct {
	Level        int    `json:"level"`
	DelayMinutes int    `json:"delay_minutes"`
	NotifyType   string `json:"notify_type"`
	NotifyID     string `json:"notify_id"`
}

func newEscalationPolicyView(p *store.EscalationPolicy) escalationPolicyView {
	v := escalationPolicyView{ID: p.ID, Name: p.Name, Description: p.Description, Repeat: p.Repeat,
		Rules: make([]escalationStepView, 0, len(p.Rules)), CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
	for _, s := range p.Rules {
		v.Rules = append(v.Rules, escalationStepView{Level: s.Level, DelayMinutes: s.DelayMinutes,
			NotifyType: s.NotifyType, NotifyID: s.NotifyID})
	}
	if len(p.Rules) == 0 {
		v.NotifiesNobody, v.Note = true, "This policy has no steps: it notifies nobody until steps are added."
	}
	return v
}

// escalationPolicyRes names a policy in the audit log.
func escalationPolicyRes(p *store.EscalationPolicy) store.AuditResource {
	return store.AuditResource{Type: "escalation_policy", ID: p.ID, Name: p.Name}
}

// policies is the resource the policy routes share.
func (h *escalationPolicyHandlers) policies() resource[store.EscalationPolicy, escalationPolicyView] {
	return resource[store.EscalationPolicy, escalationPolicyView]{base: h.base, event: "escalation_policy",
		load: h.store.EscalationPolicy, page: h.store.ListEscalationPolicies, insert: h.store.CreateEscalationPolicy,
		save: h.store.UpdateEscalationPolicy,
		id:   func(p *store.EscalationPolicy) string { return p.ID }, audit: escalationPolicyRes, view: newEscalationPolicyView}
}

// list answers the organization's policies, paginated in creation order.
func (h *escalationPolicyHandlers) list(c *gin.Context) error { return h.policies().list(c) }

// get answers one policy.
func (h *escalationPolicyHandlers) get(c *gin.Context) error { return h.policies().get(c) }

// create validates the policy (every target must exist in this organization) and stores it.
func (h *escalationPolicyHandlers) create(c *gin.Context) error {
	var req escalationPolicyRequest
	return h.policies().createFrom(c, &req, func() (*store.EscalationPolicy, error) {
		p := &store.EscalationPolicy{ID: store.NewID()}
		return p, req.apply(p, true, escalationTargets(h.store, actorOf(c).org.ID))
	})
}

// update changes the fields sent. Targets are checked before the write transaction (the
// store's lookups open their own), so a target deleted in between is caught by the
// escalator, which treats a missing target as nobody to tell.
func (h *escalationPolicyHandlers) update(c *gin.Context) error {
	var req escalationPolicyRequest
	check := func(*store.EscalationPolicy) error {
		var scratch store.EscalationPolicy
		return req.apply(&scratch, false, escalationTargets(h.store, actorOf(c).org.ID))
	}
	return h.policies().updateChecked(c, &req, check, func(p *store.EscalationPolicy) error {
		return req.apply(p, false, func(string, string) (bool, error) { return true, nil })
	})
}

// delete removes a policy; while an alert rule uses it the answer is 409 unless
// ?force=true, which leaves those rules without escalation. (Not resource.delete: the
// query is judged after the 404, and a conflict gets this route's advice.)
func (h *escalationPolicyHandlers) delete(c *gin.Context) error {
	p, err := h.policies().one(c)
	if err != nil {
		return err
	}
	var force bool
	switch q := c.Query("force"); q {
	case "", "false":
	case "true":
		force = true
	default:
		return errBadRequest("force must be true or false.")
	}
	entry := h.auditEntry(c, "escalation_policy.deleted", escalationPolicyRes(p), map[string]any{"force": force})
	err = h.store.DeleteEscalationPolicy(p.OrgID, p.ID, force, audited(entry))
	switch {
	case errors.Is(err, store.ErrConflict):
		// The store says which rule holds the policy; this route adds what the caller can do.
		e, _ := toAPIError(err)
		e.Message += " Change that rule first, or delete with ?force=true."
		return e
	case err != nil:
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
