package store

import (
	"encoding/json"
	"errors"
)

// subAlertIncidents is the organization child linking an alert to the incident it opened
// automatically (alertID → pageID + "/" + incidentID); created on first write.
const subAlertIncidents = "alert_incidents"

// IncidentTemplate is an alert rule's create_status_page_incident: the page and component
// the automatic incident is posted on, and its severity (minor | major | critical).
type IncidentTemplate struct {
	StatusPageID string `json:"status_page_id"`
	ComponentID  string `json:"component_id"`
	Severity     string `json:"severity"`
}

// UnmarshalJSON also accepts the boolean an earlier schema stored in this field: it never
// named a page, so it reads as an empty template, which Enabled reports as off.
func (t *IncidentTemplate) UnmarshalJSON(raw []byte) error {
	if s := string(raw); s == "true" || s == "false" {
		*t = IncidentTemplate{}
		return nil
	}
	type plain IncidentTemplate // without this method, so no recursion
	return json.Unmarshal(raw, (*plain)(t))
}

// Enabled reports whether t (possibly nil) names a page to post on.
func (t *IncidentTemplate) Enabled() bool { return t != nil && t.StatusPageID != "" }

// OpenIncident opens the automatic incident of alert al on the page of tpl, in this
// transaction and through the same code as a member's incident (incident.created event,
// subscriber notices): status investigating, tpl's severity and component, AlertID set,
// created by "system", with title and first update message as given. A page deleted since
// the rule was saved is skipped (nil, nil): an error would abort the recorder's batch. A
// component no longer on the page is left out.
func (t *AlertTx) OpenIncident(al *Alert, tpl *IncidentTemplate, title, message string) (*Incident, error) {
	if !tpl.Enabled() {
		return nil, nil
	}
	var page StatusPage
	if err := getStatusPage(t.tx, al.OrgID, tpl.StatusPageID, &page); errors.Is(err, ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	inc := &Incident{Title: title, Severity: tpl.Severity, AffectedComponentIDs: []string{}, AlertID: al.ID}
	if page.Component(tpl.ComponentID) != nil {
		inc.AffectedComponentIDs = []string{tpl.ComponentID}
	}
	first := IncidentUpdate{Status: IncidentInvestigating, Message: message, CreatedBy: "system"}
	if err := t.db.createIncident(t.tx, &page, inc, first); err != nil {
		return nil, err
	}
	links, err := orgSub(t.tx, al.OrgID, subAlertIncidents)
	if err != nil {
		return nil, err
	}
	t.writes++
	return inc, links.Put([]byte(al.ID), compositeKey(page.ID, inc.ID))
}

// ResolveIncident posts a resolved update (message, by "system") to the incident alert
// alertID opened, in this transaction, unless it is already resolved (by a member) or
// gone; the link is dropped either way. No link: nothing to do.
func (t *AlertTx) ResolveIncident(orgID, alertID, message string) (*Incident, error) {
	ob, err := orgBucket(t.tx, orgID)
	if err != nil {
		return nil, err
	}
	links := ob.Bucket([]byte(subAlertIncidents))
	if !links.exists() {
		return nil, nil
	}
	pageID, incID, ok := splitComposite(links.Get([]byte(alertID)))
	if !ok {
		return nil, nil
	}
	if err := links.Delete([]byte(alertID)); err != nil {
		return nil, err
	}
	t.writes++
	var page StatusPage
	var inc Incident
	if err := getStatusPage(t.tx, orgID, pageID, &page); errors.Is(err, ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if err := getIncident(t.tx, orgID, pageID, incID, &inc); errors.Is(err, ErrNotFound) || (err == nil && inc.Status == IncidentResolved) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	up := IncidentUpdate{Status: IncidentResolved, Message: message, CreatedBy: "system"}
	return &inc, t.db.addIncidentUpdate(t.tx, &page, &inc, up)
}
