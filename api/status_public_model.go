package api

import (
	"cmp"
	"slices"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Public component and overall states (SPEC §3.16): the values public clients read.
const (
	stateOperational = "operational"
	stateDegraded    = "degraded"
	stateMajorOutage = "major_outage"
	// statePartialOutage is an overall state only: some, not all, components are down.
	statePartialOutage = "partial_outage"
	stateMaintenance   = "maintenance"
	stateUnknown       = "unknown"
)

// How far back resolved incidents and how far ahead maintenance are shown.
const (
	recentIncidentDays = 14
	upcomingMaintDays  = 7
	maxUpcomingPerRule = 20
)

// publicPage is the public view of a status page, built from an explicit allow-list of
// fields (SPEC §3.16): component names and states, uptime bars, incident titles and updates,
// maintenance names and times. Nothing of a service's endpoint, options or errors is ever
// copied in, so no template or encoder can leak it. orgID and isPublic decide access.
type publicPage struct {
	Name                 string              `json:"name"`
	Slug                 string              `json:"slug"`
	Branding             publicBranding      `json:"branding"`
	Status               string              `json:"status"`
	ShowUptimeBars       bool                `json:"show_uptime_bars"`
	HistoryDays          int                 `json:"history_days"`
	SubscriptionsEnabled bool                `json:"subscriptions_enabled"`
	SMSSubscriptions     bool                `json:"sms_subscriptions"` // a phone may subscribe (status_pages_sms.go)
	SMSCriticalOnly      bool                `json:"sms_critical_only"`
	Language             string              `json:"language"`
	Groups               []publicGroup       `json:"groups"`
	ActiveIncidents      []publicIncident    `json:"active_incidents"`
	RecentIncidents      []publicIncident    `json:"recent_incidents"`
	Maintenance          []publicMaintenance `json:"maintenance"`
	GeneratedAt          time.Time           `json:"generated_at"`

	orgID    string
	isPublic bool
}

// publicBranding is the page's branding (custom CSS was sanitized when saved).
type publicBranding struct {
	LogoURL      string `json:"logo_url"`
	PrimaryColor string `json:"primary_color"`
	CompanyName  string `json:"company_name"`
	CustomCSS    string `json:"custom_css"`
}

// publicGroup is the components of one group, in display order ("" = ungrouped).
type publicGroup struct {
	Name       string            `json:"name"`
	Components []publicComponent `json:"components"`
}

// publicComponent is one component's state and daily bars (oldest first).
type publicComponent struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Status      string      `json:"status"`
	Uptime      *float64    `json:"uptime_percentage"` // over the bars; null without data
	Days        []publicDay `json:"days"`
}

// publicDay is one uptime bar; uptime is null on a day without checks.
type publicDay struct {
	Date   string   `json:"date"`
	Status string   `json:"status"`
	Uptime *float64 `json:"uptime_percentage"`

	up, counted int // checks up, and counted (not in maintenance), for badges
}

// publicIncident is an incident as visitors see it; updates newest first.
type publicIncident struct {
	ID         string                 `json:"id"`
	Title      string                 `json:"title"`
	Status     string                 `json:"status"`
	Severity   string                 `json:"severity"`
	Components []publicRef            `json:"affected_components"`
	Updates    []publicUpdate         `json:"updates"`
	Postmortem string                 `json:"postmortem"`
	CreatedAt  time.Time              `json:"created_at"`
	ResolvedAt *time.Time             `json:"resolved_at"`
	updates    []store.IncidentUpdate // oldest first, for the feeds
}

// publicRef names a component.
type publicRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// publicUpdate is one timeline entry (no author: user IDs are not public).
type publicUpdate struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
}

// publicMaintenance is an active or upcoming occurrence of a window shown on pages.
type publicMaintenance struct {
	Name        string    `json:"name"`
	Description string    `json:"description"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	Active      bool      `json:"active"`
}

// serviceStates and heartbeatStates are the public state of a service's and a heartbeat's
// status: a late heartbeat is degraded, a down one an outage. Any other status (a paused
// or new one, a deleted service) is unknown.
var (
	serviceStates = map[string]string{store.StatusGreen: stateOperational, store.StatusYellow: stateDegraded,
		store.StatusRed: stateMajorOutage, store.StatusMaintenance: stateMaintenance}
	heartbeatStates = map[string]string{store.HeartbeatHealthy: stateOperational, store.HeartbeatLate: stateDegraded,
		store.HeartbeatDown: stateMajorOutage}
)

// componentState is the public state of a service status.
func componentState(status string) string { return publicState(serviceStates, status) }

// heartbeatState is the public state of a heartbeat status.
func heartbeatState(status string) string { return publicState(heartbeatStates, status) }

func publicState(states map[string]string, status string) string {
	if s, ok := states[status]; ok {
		return s
	}
	return stateUnknown
}

// stateRank orders component states; unknown components (deleted services, paused ones)
// rank 0 and do not count, so one forgotten component cannot hide a healthy page.
func stateRank(s string) int {
	return map[string]int{stateOperational: 1, stateMaintenance: 2, stateDegraded: 3, stateMajorOutage: 4}[s]
}

// overallState is the banner of a page from its components' states, over the components
// whose state is known:
//
//   - none known: unknown ("No data");
//   - every one down: major_outage ("Major outage");
//   - some down, not all: partial_outage ("Partial outage");
//   - else any degraded: degraded ("Degraded performance");
//   - else any in maintenance: maintenance ("Under maintenance");
//   - else operational ("All systems operational").
//
// A component in maintenance is not down, so it turns "Major outage" into "Partial outage".
func overallState(states []string) string {
	known, down, worst := 0, 0, 0
	for _, s := range states {
		if r := stateRank(s); r > 0 {
			known++
			worst = max(worst, r)
			if s == stateMajorOutage {
				down++
			}
		}
	}
	switch {
	case known == 0:
		return stateUnknown
	case down == known:
		return stateMajorOutage
	case down > 0:
		return statePartialOutage
	}
	return [...]string{stateUnknown, stateOperational, stateMaintenance, stateDegraded}[worst]
}

// buildPublicPage turns a store snapshot into the public view at now.
func buildPublicPage(s *store.StatusPageSnapshot, now time.Time) *publicPage {
	p := &s.Page
	out := &publicPage{Name: p.Name, Slug: p.Slug, Branding: publicBranding(p.Branding), ShowUptimeBars: p.ShowUptimeBars,
		HistoryDays: p.HistoryDays, SubscriptionsEnabled: p.SubscriptionsEnabled, Language: pageLanguage(p), GeneratedAt: now.UTC(),
		Groups: []publicGroup{}, ActiveIncidents: []publicIncident{}, RecentIncidents: []publicIncident{},
		orgID: p.OrgID, isPublic: p.IsPublic}
	out.SMSSubscriptions = p.SubscriptionsEnabled && p.SMS.Enabled && s.SMSChannelReady && p.SubscriberMode == store.SubscribeAnyone
	out.SMSCriticalOnly = out.SMSSubscriptions && !p.SMS.AllUpdates
	var active []store.MaintenanceWindow
	out.Maintenance, active = publicMaintenanceOf(s.Maintenance, p, now)
	comps := slices.Clone(p.Components)
	slices.SortStableFunc(comps, func(a, b store.Component) int { return cmp.Compare(a.DisplayOrder, b.DisplayOrder) })
	declared := incidentStates(s.Incidents)
	states := make([]string, 0, len(comps))
	for _, c := range comps {
		pc := publicComponent{ID: c.ID, Name: c.Name, Description: c.Description, Status: stateUnknown, Days: []publicDay{}}
		daily := s.Daily[c.ServiceID]
		if hb, ok := s.Heartbeats[c.HeartbeatID]; ok && c.HeartbeatID != "" {
			// A heartbeat's bars come from its down periods (its alerts), not rollups.
			pc.Status, daily = heartbeatState(hb.Status), s.HeartbeatDaily[c.HeartbeatID]
		} else if svc, ok := s.Services[c.ServiceID]; ok && !svc.Paused {
			pc.Status = componentState(svc.Status)
			if pc.Status != stateMajorOutage && coveredBy(active, c.ServiceID) {
				pc.Status = stateMaintenance
			}
		}
		if d, ok := declared[c.ID]; ok && stateRank(d) > stateRank(pc.Status) {
			pc.Status = d
		}
		pc.Days, pc.Uptime = publicDays(daily)
		states = append(states, pc.Status)
		out.Groups = addToGroup(out.Groups, c.Group, pc)
	}
	out.Status = overallState(states)
	for _, inc := range s.Incidents {
		pi := publicIncidentOf(&inc, p)
		if inc.Status == store.IncidentResolved {
			out.RecentIncidents = append(out.RecentIncidents, pi)
		} else {
			out.ActiveIncidents = append(out.ActiveIncidents, pi)
		}
	}
	return out
}

// incidentStates is the state each component's open incidents declare: a person who posts
// a "major" incident about the API expects the page to stop saying "All systems
// operational" while the checks still pass (the failure may be one they cannot see).
// Minor and major incidents mark their components degraded, critical ones a major outage;
// monitoring can only make a component look worse than that, never better.
func incidentStates(incidents []store.Incident) map[string]string {
	out := map[string]string{}
	for _, inc := range incidents {
		if inc.Status == store.IncidentResolved {
			continue
		}
		state := stateDegraded
		if inc.Severity == store.SeverityCritical {
			state = stateMajorOutage
		}
		for _, id := range inc.AffectedComponentIDs {
			if stateRank(state) > stateRank(out[id]) {
				out[id] = state
			}
		}
	}
	return out
}

// addToGroup appends c to the group named name, creating it in first-seen order.
func addToGroup(groups []publicGroup, name string, c publicComponent) []publicGroup {
	for i := range groups {
		if groups[i].Name == name {
			groups[i].Components = append(groups[i].Components, c)
			return groups
		}
	}
	return append(groups, publicGroup{Name: name, Components: []publicComponent{c}})
}

// publicDays converts daily rollups to bars and the uptime over the days with checks.
func publicDays(days []store.DailyUptime) ([]publicDay, *float64) {
	out := make([]publicDay, 0, len(days))
	var up, counted int
	for _, d := range days {
		bar := publicDay{Date: d.Day.Format(time.DateOnly), Status: "none"}
		if d.Total > 0 {
			pct := d.UptimePercentage
			bar.Uptime, bar.Status = &pct, componentState(d.Status)
			bar.up, bar.counted = d.Up, d.Total-d.Maintenance
			up += d.Up
			counted += d.Total - d.Maintenance
		}
		out = append(out, bar)
	}
	if counted == 0 {
		return out, nil
	}
	pct := float64(up) / float64(counted) * 100
	return out, &pct
}

// publicIncidentOf copies the allow-listed fields of an incident.
func publicIncidentOf(inc *store.Incident, p *store.StatusPage) publicIncident {
	pi := publicIncident{ID: inc.ID, Title: inc.Title, Status: inc.Status, Severity: inc.Severity, Postmortem: inc.Postmortem,
		CreatedAt: inc.CreatedAt.UTC(), ResolvedAt: utcPtr(inc.ResolvedAt), Components: []publicRef{},
		Updates: make([]publicUpdate, 0, len(inc.Updates)), updates: inc.Updates}
	for _, id := range inc.AffectedComponentIDs {
		if c := p.Component(id); c != nil {
			pi.Components = append(pi.Components, publicRef{ID: c.ID, Name: c.Name})
		}
	}
	for i := len(inc.Updates) - 1; i >= 0; i-- {
		u := inc.Updates[i]
		pi.Updates = append(pi.Updates, publicUpdate{ID: u.ID, Status: u.Status, Message: u.Message, CreatedAt: u.CreatedAt.UTC()})
	}
	return pi
}
