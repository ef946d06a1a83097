package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// adminHandlers serves the instance-admin endpoints (SPEC §2.5). The router
// hides them (404) from everyone but the instance admin's own sessions.
type adminHandlers struct {
	*base
}

// adminOrganizationView is one organization with its usage.
type adminOrganizationView struct {
	organizationSummary
	ServiceCount int `json:"service_count"`
	MemberCount  int `json:"member_count"`
	// AuditRetention is the organization's audit-log window and whether the instance admin set it.
	AuditRetention auditRetentionView `json:"audit_retention"`
}

func (h *adminHandlers) view(o *store.Organization) (adminOrganizationView, error) {
	services, err := h.store.CountServices(o.ID)
	if err != nil {
		return adminOrganizationView{}, err
	}
	members, err := h.store.Memberships(o.ID)
	if err != nil {
		return adminOrganizationView{}, err
	}
	return adminOrganizationView{organizationSummary: newOrganizationSummary(o),
		ServiceCount: services, MemberCount: len(members), AuditRetention: newAuditRetentionView(o)}, nil
}

// listOrganizations lists every organization on the instance with its
// usage, oldest first, one page at a time.
func (h *adminHandlers) listOrganizations(c *gin.Context) error {
	// Usage is counted for the page only, not for every organization.
	return respondListJoined(c, h.store.ListOrganizations, h.view)
}

type planUpdate struct {
	PlanType    *string `json:"plan_type"`
	MaxServices *int    `json:"max_services"`
	// AuditRetentionDays sets the audit-log window (1 to 7 years in days); 0 returns to
	// the plan's. Changing plan_type returns to the plan's unless this is given too.
	AuditRetentionDays *int `json:"audit_retention_days"`
}

// updateOrganization changes an organization's plan and/or service cap.
// Changing plan_type also sets max_services to that plan's cap unless the
// request gives max_services too (a custom deal). max_services is a whole
// number ≥ 1, or -1 for unlimited.
func (h *adminHandlers) updateOrganization(c *gin.Context) error {
	var req planUpdate
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	plan := ""
	if req.PlanType != nil {
		plan = strings.ToLower(strings.TrimSpace(*req.PlanType))
		if _, ok := planLimits[plan]; !ok {
			f.add("plan_type", "must be one of "+planNames())
		}
	}
	if m := req.MaxServices; m != nil && *m < 1 && *m != unlimited {
		f.add("max_services", "must be a whole number of at least 1, or -1 for unlimited")
	}
	if d := req.AuditRetentionDays; d != nil && (*d < 0 || *d > store.MaxAuditRetentionDays) {
		f.add("audit_retention_days", fmt.Sprintf("must be a whole number of days from 1 to %d (7 years), or 0 for the plan's window", store.MaxAuditRetentionDays))
	}
	if err := f.err(); err != nil {
		return err
	}
	change := &store.Change{} // audited only when the plan changed
	org, err := h.store.UpdateOrganization(c.Param("id"), func(o *store.Organization) error {
		before := *o
		if req.PlanType != nil {
			o.PlanType, o.MaxServices = plan, limitsOf(plan).MaxServices
			if plan != before.PlanType {
				o.AuditRetentionDays = 0
			}
		}
		if req.MaxServices != nil {
			o.MaxServices = *req.MaxServices
		}
		if req.AuditRetentionDays != nil {
			o.AuditRetentionDays = *req.AuditRetentionDays
		}
		if before.AuditRetentionDays != o.AuditRetentionDays {
			change.Audit = append(change.Audit, h.auditEntry(c, "organization.audit_retention_changed",
				store.AuditResource{Type: "organization", ID: o.ID, Name: o.Name},
				map[string]any{"audit_retention_days": map[string]any{"from": before.AuditRetentionDays, "to": o.AuditRetentionDays},
					"effective_days": int(o.AuditRetentionWindow() / (24 * time.Hour))}))
		}
		if before.PlanType != o.PlanType || before.MaxServices != o.MaxServices {
			change.Audit = append(change.Audit, h.auditEntry(c, "organization.plan_changed",
				store.AuditResource{Type: "organization", ID: o.ID, Name: o.Name},
				map[string]any{"plan_type": map[string]any{"from": before.PlanType, "to": o.PlanType},
					"max_services": map[string]any{"from": before.MaxServices, "to": o.MaxServices}}))
		}
		return nil
	}, change)
	if err != nil {
		return err
	}
	v, err := h.view(org)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}
