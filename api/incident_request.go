package api

import (
	"slices"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// incidentRequest is the body of POST (all fields) and PUT (title, severity,
// affected_component_ids, postmortem; absent fields keep their value).
type incidentRequest struct {
	OrganizationID       string    `json:"organization_id"` // read by the org middleware
	Title                *string   `json:"title"`
	Status               *string   `json:"status"`
	Severity             *string   `json:"severity"`
	AffectedComponentIDs *[]string `json:"affected_component_ids"`
	Message              *string   `json:"message"`
	Postmortem           *string   `json:"postmortem"`
}

// incidentUpdateRequest is the body of POST /:iid/updates.
type incidentUpdateRequest struct {
	OrganizationID string `json:"organization_id"`
	Status         string `json:"status"`
	Message        string `json:"message"`
}

// incidentStatus normalizes and checks a status; "" when invalid.
func incidentStatus(f fieldErrors, s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case store.IncidentInvestigating, store.IncidentIdentified, store.IncidentMonitoring, store.IncidentResolved:
		return s
	}
	f.add("status", "must be investigating, identified, monitoring or resolved")
	return ""
}

// apply validates the request for page p and writes it into inc. On create the status
// defaults to investigating and the severity to minor.
func (r *incidentRequest) apply(f fieldErrors, inc *store.Incident, p *store.StatusPage, create bool) {
	if r.Title != nil || create {
		inc.Title = f.name("title", deref(r.Title), true, maxNameLen)
	}
	if r.Severity != nil || create {
		inc.Severity = strings.ToLower(strings.TrimSpace(deref(r.Severity)))
		if inc.Severity == "" && create {
			inc.Severity = store.SeverityMinor
		}
		if inc.Severity != store.SeverityMinor && inc.Severity != store.SeverityMajor && inc.Severity != store.SeverityCritical {
			f.add("severity", "must be minor, major or critical")
		}
	}
	if r.AffectedComponentIDs != nil {
		inc.AffectedComponentIDs = make([]string, 0, len(*r.AffectedComponentIDs))
		for _, id := range *r.AffectedComponentIDs {
			if p.Component(id) == nil {
				f.add("affected_component_ids", "must name components of this status page")
			} else if !slices.Contains(inc.AffectedComponentIDs, id) {
				inc.AffectedComponentIDs = append(inc.AffectedComponentIDs, id)
			}
		}
	}
	if inc.AffectedComponentIDs == nil {
		inc.AffectedComponentIDs = []string{}
	}
	if r.Postmortem != nil {
		inc.Postmortem = f.text("postmortem", *r.Postmortem, false, maxIncidentMessage)
	}
}
