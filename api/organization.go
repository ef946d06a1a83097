package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// organizationSummary is the short form of an organization (registration
// answer, admin list).
type organizationSummary struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Slug        string    `json:"slug"`
	PlanType    string    `json:"plan_type"`
	MaxServices int       `json:"max_services"` // -1 = unlimited
	CreatedAt   time.Time `json:"created_at"`
}

func newOrganizationSummary(o *store.Organization) organizationSummary {
	return organizationSummary{ID: o.ID, Name: o.Name, Slug: o.Slug, PlanType: o.PlanType,
		MaxServices: o.MaxServices, CreatedAt: o.CreatedAt.UTC()}
}

// organizationView is GET /organization.
type organizationView struct {
	organizationSummary
	ServiceCount int          `json:"service_count"`
	Settings     settingsView `json:"settings"`
}

// organizationHandlers serves /organization: the active organization.
type organizationHandlers struct {
	*base
}

// get shows the active organization with its usage and settings.
func (h *organizationHandlers) get(c *gin.Context) error {
	return h.render(c, actorOf(c).org)
}

func (h *organizationHandlers) render(c *gin.Context, o *store.Organization) error {
	n, err := h.store.CountServices(o.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, organizationView{organizationSummary: newOrganizationSummary(o),
		ServiceCount: n, Settings: newSettingsView(o.Settings, h.cfg.BuiltinLocation())})
	return nil
}

type organizationUpdate struct {
	Name     *string         `json:"name"`
	Slug     *string         `json:"slug"`
	Settings *settingsUpdate `json:"settings"`
}

// update changes the name, slug and/or settings (admin). Absent fields are
// kept, settings merge field by field. A slug another organization uses
// answers 409.
func (h *organizationHandlers) update(c *gin.Context) error {
	a := actorOf(c)
	var req organizationUpdate
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	var name, slug string
	if req.Name != nil {
		name = f.name("name", *req.Name, true, maxNameLen)
	}
	if req.Slug != nil {
		if slug = strings.TrimSpace(*req.Slug); !validSlug(slug) {
			f.add("slug", "must be 2 to 60 characters of a-z, 0-9 and inner dashes")
		}
	}
	req.Settings.validate(f)
	if req.Settings != nil && req.Settings.DefaultLocations != nil {
		lc, err := h.locationChoice(a.org)
		if err != nil {
			return err
		}
		// Stored empty for the built-in location alone, as a service's locations are.
		names := lc.checkNames(f, "settings.default_locations", *req.Settings.DefaultLocations)
		req.Settings.DefaultLocations = &names
	}
	if err := f.err(); err != nil {
		return err
	}
	change := &store.Change{} // an entry for each part that changed, if any
	org, err := h.store.UpdateOrganization(a.org.ID, func(o *store.Organization) error {
		var orgChanged []string
		if req.Name != nil && name != o.Name {
			o.Name, orgChanged = name, append(orgChanged, "name")
		}
		if req.Slug != nil && slug != o.Slug {
			o.Slug, orgChanged = slug, append(orgChanged, "slug")
		}
		settingsChanged := req.Settings.apply(&o.Settings)
		res := store.AuditResource{Type: "organization", ID: o.ID, Name: o.Name}
		if len(orgChanged) > 0 {
			change.Audit = append(change.Audit, h.auditEntry(c, "organization.updated", res, map[string]any{"changed": orgChanged}))
		}
		if len(settingsChanged) > 0 {
			change.Audit = append(change.Audit, h.auditEntry(c, "settings.updated", res, map[string]any{"changed": settingsChanged}))
		}
		return nil
	}, change)
	if err != nil {
		return err
	}
	return h.render(c, org)
}

// delete removes the active organization and all its data (owner only, and
// only in a signed-in session: an API key must not be able to wipe the
// organization it lives in). The audit log goes with the organization, so
// the deletion is recorded in the server log instead.
func (h *organizationHandlers) delete(c *gin.Context) error {
	a, err := sessionActor(c)
	if err != nil {
		return err
	}
	org := a.org
	if err := h.store.DeleteOrganization(org.ID); err != nil {
		return err
	}
	loggerFrom(c).Info("organization.deleted", "org_id", org.ID, "org_name", org.Name, "org_slug", org.Slug,
		"actor_id", a.user.ID, "actor_email", a.user.Email, "ip", a.ip)
	c.Status(http.StatusNoContent)
	return nil
}
