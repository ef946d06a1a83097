package api

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// Limits of a status page body.
const (
	maxComponents      = 200
	maxCustomCSSBytes  = 16 << 10
	maxURLLen          = 2048
	defaultHistoryDays = 90
	maxHistoryDays     = 365
	maxSubscriberDoms  = 100
)

var (
	pageSlugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,62}$`)
	hexColorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	// styleCloseRe finds "</style" in any case: custom CSS is emitted inside a <style>
	// element, and html/template does not escape CSS text, so this is what could end the
	// element and start markup. It is removed (not refused) so pasted CSS keeps working.
	styleCloseRe = regexp.MustCompile(`(?i)</style`)
)

// statusPageRequest is the body of POST and PUT /status-pages. On PUT absent fields keep
// their value; components, when present, replace the whole list.
type statusPageRequest struct {
	OrganizationID       string              `json:"organization_id"` // read by the org middleware
	Name                 *string             `json:"name"`
	Slug                 *string             `json:"slug"`
	IsPublic             *bool               `json:"is_public"`
	Branding             *store.Branding     `json:"branding"`
	Components           *[]componentRequest `json:"components"`
	ShowUptimeBars       *bool               `json:"show_uptime_bars"`
	HistoryDays          *int                `json:"history_days"`
	SubscriptionsEnabled *bool               `json:"subscriptions_enabled"`
	SubscriberMode       *string             `json:"subscriber_mode"`
	SubscriberDomains    *[]string           `json:"subscriber_domains"`
	Language             *string             `json:"language"`
	// SMSSubscriptions is the page's SMS subscription setting (status_pages_sms.go).
	SMSSubscriptions *smsSubscriptionsRequest `json:"sms_subscriptions"`
}

// componentRequest is one component of a request; ID is generated when absent.
type componentRequest struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	ServiceID    string `json:"service_id"`
	HeartbeatID  string `json:"heartbeat_id"`
	Group        string `json:"group"`
	Description  string `json:"description"`
	DisplayOrder int    `json:"display_order"`
}

// pageSlug derives a slug from a name (SPEC §3.16: lower case, spaces to "-", anything
// outside [a-z0-9-] dropped), squeezing dashes and trimming to 63 characters.
func pageSlug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
			if s := b.String(); s != "" && !strings.HasSuffix(s, "-") {
				b.WriteByte('-')
			}
		}
	}
	s := b.String()
	if len(s) > 63 {
		s = s[:63]
	}
	return strings.Trim(s, "-")
}

// componentTargets tells whether a service or heartbeat ID belongs to the organization.
type componentTargets struct {
	service, heartbeat func(id string) bool
	// channelType is the type of the organization's notification channel id ("": none).
	channelType func(id string) string
}

// apply validates the request against page p (zero on POST) and writes it into p. known
// holds the organization's services and heartbeats. Every problem is one 422.
func (r *statusPageRequest) apply(p *store.StatusPage, create bool, known componentTargets) error {
	f := fieldErrors{}
	if create {
		p.IsPublic, p.ShowUptimeBars, p.HistoryDays, p.SubscriberMode = true, true, defaultHistoryDays, store.SubscribeAnyone
	}
	if r.Name != nil || create {
		p.Name = f.name("name", deref(r.Name), true, maxNameLen)
	}
	switch {
	case r.Slug != nil && strings.TrimSpace(*r.Slug) != "":
		p.Slug = strings.ToLower(strings.TrimSpace(*r.Slug))
		if !pageSlugRe.MatchString(p.Slug) {
			f.add("slug", "must be 2–63 characters of a–z, 0–9 and -, starting with a letter or digit")
		}
	case create || r.Slug != nil:
		p.Slug = pageSlug(p.Name)
		if p.Name != "" && !pageSlugRe.MatchString(p.Slug) {
			f.add("slug", "cannot be derived from the name; give one")
		}
	}
	setBool(&p.IsPublic, r.IsPublic)
	setBool(&p.ShowUptimeBars, r.ShowUptimeBars)
	setBool(&p.SubscriptionsEnabled, r.SubscriptionsEnabled)
	if r.HistoryDays != nil {
		p.HistoryDays = *r.HistoryDays
		if p.HistoryDays < 1 || p.HistoryDays > maxHistoryDays {
			f.add("history_days", "must be from 1 to 365")
		}
	}
	if create {
		p.Language = statusLanguages[0]
	}
	if r.Language != nil {
		p.Language = strings.ToLower(strings.TrimSpace(*r.Language))
		if !slices.Contains(statusLanguages, p.Language) {
			f.add("language", "must be one of "+strings.Join(statusLanguages, ", "))
		}
	}
	if r.Branding != nil {
		p.Branding = applyBranding(f, *r.Branding)
	}
	if r.Components != nil {
		p.Components = applyComponents(f, *r.Components, known)
	}
	if r.SubscriberMode != nil {
		p.SubscriberMode = strings.ToLower(strings.TrimSpace(*r.SubscriberMode))
		if p.SubscriberMode != store.SubscribeAnyone && p.SubscriberMode != store.SubscribeEmailDomain && p.SubscriberMode != store.SubscribeInviteOnly {
			f.add("subscriber_mode", "must be anyone, email_domain or invite_only")
		}
	}
	if r.SubscriberDomains != nil {
		p.SubscriberDomains = applyDomains(f, *r.SubscriberDomains)
	}
	if p.SubscriberDomains == nil {
		p.SubscriberDomains = []string{}
	}
	r.SMSSubscriptions.apply(f, p, create, known)
	if p.SubscriberMode == store.SubscribeEmailDomain && len(p.SubscriberDomains) == 0 {
		f.add("subscriber_domains", "must list at least one domain when subscriber_mode is email_domain")
	}
	return f.err()
}

// pageLanguage is a page's language; pages saved before languages existed are English.
func pageLanguage(p *store.StatusPage) string {
	if p.Language == "" {
		return statusLanguages[0]
	}
	return p.Language
}

// applyBranding checks the branding object: colours #rrggbb, the logo an http(s) URL, the
// company name short, custom CSS capped and stripped of "</style".
func applyBranding(f fieldErrors, b store.Branding) store.Branding {
	out := store.Branding{CompanyName: f.name("branding.company_name", b.CompanyName, false, maxNameLen)}
	if c := strings.TrimSpace(b.PrimaryColor); c != "" {
		if !hexColorRe.MatchString(c) {
			f.add("branding.primary_color", "must be a colour like #1a2b3c")
		}
		out.PrimaryColor = strings.ToLower(c)
	}
	if l := strings.TrimSpace(b.LogoURL); l != "" {
		u, err := url.Parse(l)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(l) > maxURLLen {
			f.add("branding.logo_url", "must be an http or https URL")
		}
		out.LogoURL = l
	}
	if len(b.CustomCSS) > maxCustomCSSBytes {
		f.add("branding.custom_css", "must be at most "+strconv.Itoa(maxCustomCSSBytes)+" bytes")
	}
	out.CustomCSS = styleCloseRe.ReplaceAllString(b.CustomCSS, "")
	return out
}

// applyComponents checks the component list: each names exactly one service or heartbeat
// of this organization; IDs are unique, generated when absent.
func applyComponents(f fieldErrors, in []componentRequest, known componentTargets) []store.Component {
	if len(in) > maxComponents {
		f.add("components", "must have at most "+strconv.Itoa(maxComponents)+" entries")
		return nil
	}
	out := make([]store.Component, 0, len(in))
	seen := map[string]bool{}
	for i, c := range in {
		at := "components[" + strconv.Itoa(i) + "]."
		comp := store.Component{ID: strings.TrimSpace(c.ID), Name: f.name(at+"name", c.Name, true, maxNameLen),
			Group: f.name(at+"group", c.Group, false, maxNameLen), Description: f.text(at+"description", c.Description, false, maxDescriptionLen),
			DisplayOrder: c.DisplayOrder, ServiceID: strings.TrimSpace(c.ServiceID), HeartbeatID: strings.TrimSpace(c.HeartbeatID)}
		if comp.ID == "" {
			comp.ID = uuid.Must(uuid.NewV7()).String()
		} else if len(comp.ID) > 64 || seen[comp.ID] {
			f.add(at+"id", "must be unique and at most 64 characters")
		}
		seen[comp.ID] = true
		switch {
		case comp.ServiceID != "" && comp.HeartbeatID != "":
			f.add(at+"service_id", "give service_id or heartbeat_id, not both")
		case comp.HeartbeatID != "":
			if !known.heartbeat(comp.HeartbeatID) {
				f.add(at+"heartbeat_id", "is not a heartbeat of this organization")
			}
		case comp.ServiceID == "":
			f.add(at+"service_id", "is required (or heartbeat_id)")
		case !known.service(comp.ServiceID):
			f.add(at+"service_id", "is not a service of this organization")
		}
		out = append(out, comp)
	}
	return out
}

// applyDomains normalizes the e-mail domains of the email_domain mode.
func applyDomains(f fieldErrors, in []string) []string {
	if len(in) > maxSubscriberDoms {
		f.add("subscriber_domains", "must have at most "+strconv.Itoa(maxSubscriberDoms)+" entries")
	}
	out := make([]string, 0, len(in))
	for _, d := range in {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d == "" || len(d) > 253 || strings.ContainsAny(d, " @/") || !strings.Contains(d, ".") {
			f.add("subscriber_domains", "must be domain names like example.com")
			continue
		}
		out = append(out, d)
	}
	return out
}

// setBool copies *src into *dst when src is set.
func setBool(dst *bool, src *bool) {
	if src != nil {
		*dst = *src
	}
}
