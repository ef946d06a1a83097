package api

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// statusPageHandlers serves /api/v1/status-pages (SPEC §3.16). Every change bumps the
// public view cache so visitors see it at once rather than after the TTL.
type statusPageHandlers struct {
	*base
	cache *statusCache
}

// statusPageView is a page as the authenticated API shows it.
type statusPageView struct {
	ID                   string          `json:"id"`
	OrganizationID       string          `json:"organization_id"`
	Name                 string          `json:"name"`
	Slug                 string          `json:"slug"`
	IsPublic             bool            `json:"is_public"`
	Branding             store.Branding  `json:"branding"`
	Components           []componentView `json:"components"`
	ShowUptimeBars       bool            `json:"show_uptime_bars"`
	HistoryDays          int             `json:"history_days"`
	SubscriptionsEnabled bool            `json:"subscriptions_enabled"`
	SubscriberMode       string          `json:"subscriber_mode"`
	SubscriberDomains    []string        `json:"subscriber_domains"`
	Language             string          `json:"language"`
	CreatedAt            time.Time       `json:"created_at"`
	UpdatedAt            time.Time       `json:"updated_at"`

	SMSSubscriptions smsSubscriptionsView `json:"sms_subscriptions"`
}

// componentView is one component; exactly one of service_id and heartbeat_id is non-null.
type componentView struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	ServiceID    *string `json:"service_id"`
	HeartbeatID  *string `json:"heartbeat_id"`
	Group        string  `json:"group"`
	Description  string  `json:"description"`
	DisplayOrder int     `json:"display_order"`
}

func newStatusPageView(p *store.StatusPage) statusPageView {
	v := statusPageView{ID: p.ID, OrganizationID: p.OrgID, Name: p.Name, Slug: p.Slug, IsPublic: p.IsPublic,
		Branding: p.Branding, Components: make([]componentView, 0, len(p.Components)), ShowUptimeBars: p.ShowUptimeBars,
		HistoryDays: p.HistoryDays, SubscriptionsEnabled: p.SubscriptionsEnabled, SubscriberMode: p.SubscriberMode,
		SubscriberDomains: p.SubscriberDomains, Language: pageLanguage(p), CreatedAt: p.CreatedAt.UTC(), UpdatedAt: p.UpdatedAt.UTC()}
	if v.SubscriberDomains == nil {
		v.SubscriberDomains = []string{}
	}
	v.SMSSubscriptions = newSMSSubscriptionsView(p)
	for _, c := range p.Components {
		v.Components = append(v.Components, componentView{ID: c.ID, Name: c.Name, ServiceID: nullable(c.ServiceID),
			HeartbeatID: nullable(c.HeartbeatID), Group: c.Group, Description: c.Description, DisplayOrder: c.DisplayOrder})
	}
	return v
}

// statusPageRes names a page in the audit log.
func statusPageRes(p *store.StatusPage) store.AuditResource {
	return store.AuditResource{Type: "status_page", ID: p.ID, Name: p.Name}
}

// pages is the resource the page routes share. Every write drops the public view cache,
// so visitors see it at once rather than after the TTL.
func (h *statusPageHandlers) pages() resource[store.StatusPage, statusPageView] {
	return resource[store.StatusPage, statusPageView]{base: h.base, event: "status_page",
		load: h.store.StatusPage, page: h.store.ListStatusPages, insert: h.store.CreateStatusPage,
		save: h.store.UpdateStatusPage, remove: h.store.DeleteStatusPage,
		id: func(p *store.StatusPage) string { return p.ID }, audit: statusPageRes,
		meta: func(p *store.StatusPage) map[string]any { return map[string]any{"slug": p.Slug} },
		view: h.pageView, written: h.cache.invalidate}
}

// pageView is newStatusPageView with what the page's SMS channel lacks.
func (h *statusPageHandlers) pageView(p *store.StatusPage) statusPageView {
	v := newStatusPageView(p)
	v.SMSSubscriptions.ChannelProblem = h.smsChannelProblem(p)
	return v
}

// statusPage loads the :id page of the active organization for the routes below a page
// (incidents, subscribers).
func (b *base) statusPage(c *gin.Context) (*store.StatusPage, error) {
	return b.store.StatusPage(actorOf(c).org.ID, c.Param("id"))
}

// targets returns membership tests over the organization's service and heartbeat IDs.
func (h *statusPageHandlers) targets(orgID string) (componentTargets, error) {
	svcs, err := h.store.Services(orgID)
	if err != nil {
		return componentTargets{}, err
	}
	beats, err := h.store.Heartbeats(orgID)
	if err != nil {
		return componentTargets{}, err
	}
	ids := make(map[string]bool, len(svcs)+len(beats))
	for i := range svcs {
		ids["s/"+svcs[i].ID] = true
	}
	for i := range beats {
		ids["h/"+beats[i].ID] = true
	}
	channelType, err := h.channelTypes(orgID)
	if err != nil {
		return componentTargets{}, err
	}
	return componentTargets{service: func(id string) bool { return ids["s/"+id] }, heartbeat: func(id string) bool { return ids["h/"+id] },
		channelType: channelType}, nil
}

func (h *statusPageHandlers) list(c *gin.Context) error { return h.pages().list(c) }

func (h *statusPageHandlers) create(c *gin.Context) error {
	var req statusPageRequest
	return h.pages().createFrom(c, &req, func() (*store.StatusPage, error) {
		known, err := h.targets(actorOf(c).org.ID)
		if err != nil {
			return nil, err
		}
		p := &store.StatusPage{ID: store.NewID()}
		return p, req.apply(p, true, known)
	})
}

func (h *statusPageHandlers) get(c *gin.Context) error { return h.pages().get(c) }

func (h *statusPageHandlers) update(c *gin.Context) error {
	r := h.pages()
	var req statusPageRequest
	if _, err := r.bind(c, &req); err != nil {
		return err
	}
	known, err := h.targets(actorOf(c).org.ID)
	if err != nil {
		return err
	}
	return r.update(c, "updated", nil, func(p *store.StatusPage) error { return req.apply(p, false, known) })
}

func (h *statusPageHandlers) delete(c *gin.Context) error { return h.pages().delete(c) }
