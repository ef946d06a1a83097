package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// incidentSeverities are the severities of status-page incidents (SPEC §3.16).
var incidentSeverities = []string{store.SeverityMinor, store.SeverityMajor, store.SeverityCritical}

// incidentTemplateRequest is create_status_page_incident as sent: the page and component
// the automatic incident is posted on and its severity (default major).
type incidentTemplateRequest struct {
	StatusPageID string `json:"status_page_id"`
	ComponentID  string `json:"component_id"`
	Severity     string `json:"severity"`
}

// incidentTemplateView is create_status_page_incident as shown; the field is null when off.
type incidentTemplateView struct {
	StatusPageID string `json:"status_page_id"`
	ComponentID  string `json:"component_id"`
	Severity     string `json:"severity"`
}

func newIncidentTemplateView(t *store.IncidentTemplate) *incidentTemplateView {
	if !t.Enabled() {
		return nil
	}
	return &incidentTemplateView{StatusPageID: t.StatusPageID, ComponentID: t.ComponentID, Severity: t.Severity}
}

// applyIncidentTemplate validates create_status_page_incident (null or false: off; an
// object: a page of the organization, one of its components, a severity) onto rule,
// collecting problems in f under "create_status_page_incident.<key>".
func applyIncidentTemplate(f fieldErrors, in optionalID, rule *store.AlertRule, page func(string) (*store.StatusPage, error)) error {
	const field = "create_status_page_incident"
	raw := bytes.TrimSpace(in.raw)
	if bytes.Equal(raw, []byte("null")) || bytes.Equal(raw, []byte("false")) {
		rule.CreateStatusPageIncident = nil
		return nil
	}
	var req incidentTemplateRequest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if len(raw) == 0 || raw[0] != '{' || dec.Decode(&req) != nil {
		f.add(field, "must be null or an object {status_page_id, component_id, severity}")
		return nil
	}
	tpl := &store.IncidentTemplate{StatusPageID: strings.TrimSpace(req.StatusPageID), ComponentID: strings.TrimSpace(req.ComponentID),
		Severity: strings.ToLower(strings.TrimSpace(req.Severity))}
	if tpl.Severity == "" {
		tpl.Severity = store.SeverityMajor
	}
	if !slices.Contains(incidentSeverities, tpl.Severity) {
		f.add(field+".severity", "must be one of "+strings.Join(incidentSeverities, ", "))
	}
	switch p, err := page(tpl.StatusPageID); {
	case tpl.StatusPageID == "":
		f.add(field+".status_page_id", "is required")
	case errors.Is(err, store.ErrNotFound):
		f.add(field+".status_page_id", "no such status page")
	case err != nil:
		return err
	case tpl.ComponentID == "":
		f.add(field+".component_id", "is required")
	case p.Component(tpl.ComponentID) == nil:
		f.add(field+".component_id", "no such component on that status page")
	}
	rule.CreateStatusPageIncident = tpl
	return nil
}
