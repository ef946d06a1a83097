package api

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// statusPageImport is a status page element; components name their service or heartbeat.
type statusPageImport struct {
	Name                 *string            `json:"name"`
	Slug                 *string            `json:"slug"`
	IsPublic             *bool              `json:"is_public"`
	Branding             *store.Branding    `json:"branding"`
	Components           *[]componentImport `json:"components"`
	ShowUptimeBars       *bool              `json:"show_uptime_bars"`
	HistoryDays          *int               `json:"history_days"`
	SubscriptionsEnabled *bool              `json:"subscriptions_enabled"`
	SubscriberMode       *string            `json:"subscriber_mode"`
	SubscriberDomains    *[]string          `json:"subscriber_domains"`
	Language             *string            `json:"language"`
	// EmailTemplate absent: the default template (the element is the whole page).
	EmailTemplate    *emailTemplateRequest   `json:"email_template"`
	SMSSubscriptions *smsSubscriptionsImport `json:"sms_subscriptions"`
}

// componentImport is one component of a status page element.
type componentImport struct {
	Name         string  `json:"name"`
	Service      *string `json:"service"`
	Heartbeat    *string `json:"heartbeat"`
	Group        string  `json:"group"`
	Description  string  `json:"description"`
	DisplayOrder int     `json:"display_order"`
}

// request resolves the element into the API's statusPageRequest. A component keeps the ID
// of the old page's component of the same name: incidents and badge URLs refer to it.
func (in *statusPageImport) request(p *importPlan, path string, old *store.StatusPage) *statusPageRequest {
	req := &statusPageRequest{Name: in.Name, Slug: in.Slug, IsPublic: in.IsPublic, Branding: in.Branding,
		ShowUptimeBars: in.ShowUptimeBars, HistoryDays: in.HistoryDays, SubscriptionsEnabled: in.SubscriptionsEnabled,
		SubscriberMode: in.SubscriberMode, SubscriberDomains: in.SubscriberDomains, Language: in.Language,
		SMSSubscriptions: in.SMSSubscriptions.request(p, path)}
	if in.Components == nil {
		return req
	}
	comps := make([]componentRequest, len(*in.Components))
	for j, c := range *in.Components {
		at := path + ".components[" + strconv.Itoa(j) + "]."
		comps[j] = componentRequest{Name: c.Name, Group: c.Group, Description: c.Description, DisplayOrder: c.DisplayOrder}
		if c.Service != nil {
			comps[j].ServiceID = p.ref(at+"service", *c.Service, "a service of this organization or the document", p.services)
		}
		if c.Heartbeat != nil {
			comps[j].HeartbeatID = p.ref(at+"heartbeat", *c.Heartbeat, "a heartbeat of this organization or the document", p.heartbeats)
		}
		if old != nil {
			for _, oc := range old.Components {
				if namekey(oc.Name) == namekey(c.Name) {
					comps[j].ID = oc.ID
					break
				}
			}
		}
	}
	req.Components = &comps
	return req
}

// planPages validates the status pages through statusPageRequest.apply, as a POST onto a
// fresh page (the element is the whole page). Slugs are unique across the instance: a
// slug held by a page other than the one being updated is a problem at ".slug", found now
// rather than half-way through the writes.
func (p *importPlan) planPages(items []json.RawMessage) {
	existing := byName(p.st.pages, func(sp *store.StatusPage) string { return sp.Name })
	for i := range p.st.pages {
		p.pages.add(&p.st.pages[i], true)
	}
	known := componentTargets{service: func(id string) bool { return id != "" }, heartbeat: func(id string) bool { return id != "" },
		channelType: p.channelType}
	pages := (&statusPageHandlers{base: p.h.base, cache: p.h.cache}).pages()
	pages.written = p.pageWritten
	slugs := map[string]string{}
	for path, in := range elements(p, "status_pages", items, func(r *statusPageImport) *string { return r.Name }) {
		at, found := existing[namekey(deref(in.Name))]
		if found && at < 0 {
			p.f.add(path+".name", "is shared by several status pages of this organization; rename them first")
			continue
		}
		var old *store.StatusPage
		if found {
			old = &p.st.pages[at]
		}
		fresh := &store.StatusPage{}
		if !p.renamed(path, in.request(p, path, old).apply(fresh, true, known), map[string]string{"service_id": "service", "heartbeat_id": "heartbeat",
			"sms_subscriptions.channel_id": "sms_subscriptions.channel"}) {
			continue
		}
		if !p.pageEmailTemplate(path, in, fresh) {
			continue
		}
		if first, dup := slugs[fresh.Slug]; dup {
			p.f.add(path+".slug", "repeats the slug of "+first)
			continue
		}
		slugs[fresh.Slug] = path
		holder, err := p.h.store.PublicStatusPage(fresh.Slug)
		switch {
		case err != nil && !errors.Is(err, store.ErrNotFound):
			p.ok(path, err)
			continue
		case err == nil && (old == nil || holder.ID != old.ID):
			p.f.add(path+".slug", "is taken by another status page on this instance; choose another")
			continue
		}
		name := nameOf(p.st.names)
		// Rules of the document may name the page and its components: index it as planned.
		if old == nil {
			fresh.ID = uuid.Must(uuid.NewV7()).String()
		} else {
			fresh.ID = old.ID
		}
		p.pages.add(fresh, false)
		p.st.names[fresh.ID] = fresh.Name
		for _, comp := range fresh.Components {
			p.st.names[comp.ID] = comp.Name
		}
		switch {
		case old == nil:
			upsert(p, pages, "status_page", fresh.Name, "", fresh, nil)
		case sameJSON(newStatusPageItem(old, name), newStatusPageItem(fresh, name)):
			p.change("", "status_page", fresh.Name, nil)
		default:
			// The page takes fresh's configuration, its name and slug included, and keeps
			// its ID, which fresh already has.
			upsert(p, pages, "status_page", fresh.Name, old.ID, fresh, copyPageConfig)
		}
	}
}

// pageWritten drops the public pages' cache: the page must not be served stale.
func (p *importPlan) pageWritten() {
	if p.h.cache != nil {
		p.h.cache.invalidate()
	}
}

// copyPageConfig copies the configuration of src onto dst, leaving identity and times.
func copyPageConfig(dst, src *store.StatusPage) {
	dst.Name, dst.Slug, dst.IsPublic, dst.Branding = src.Name, src.Slug, src.IsPublic, src.Branding
	dst.Components, dst.ShowUptimeBars, dst.HistoryDays = src.Components, src.ShowUptimeBars, src.HistoryDays
	dst.SubscriptionsEnabled, dst.SubscriberMode, dst.SubscriberDomains = src.SubscriptionsEnabled, src.SubscriberMode, src.SubscriberDomains
	dst.Language = src.Language
	dst.SMS = src.SMS
	dst.EmailTemplate = src.EmailTemplate
}

// pageEmailTemplate checks the element's e-mail template as PUT .../email-template does
// and sets it on fresh; its problems are listed under path.email_template.
func (p *importPlan) pageEmailTemplate(path string, in *statusPageImport, fresh *store.StatusPage) bool {
	if in.EmailTemplate == nil {
		return true
	}
	t, err := in.EmailTemplate.template(fresh, "email_template.")
	if !p.ok(path, err) {
		return false
	}
	fresh.EmailTemplate = t
	return true
}
