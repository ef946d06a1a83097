package store

import (
	"slices"
	"time"
)

// Kinds of IncidentChange.
const (
	IncidentKindCreated  = "created"
	IncidentKindUpdated  = "updated"
	IncidentKindResolved = "resolved"
	// IncidentKindDeleted is an incident removed by DeleteIncident; subscriber
	// notifications may ignore it (there is nothing to tell a subscriber).
	IncidentKindDeleted = "deleted"
)

// IncidentChange is what the incident hooks are told, inside the write transaction that
// changed the incident: the page it is on, the incident as stored, the update just posted
// (nil for an edit or a delete) and the kind of change.
type IncidentChange struct {
	OrgID    string
	Page     *StatusPage
	Incident *Incident
	Update   *IncidentUpdate
	Kind     string
}

// incidentHook runs inside every transaction that creates, updates, resolves or deletes an
// incident (db.afterIncident); an error aborts the change. Subscriber notifications hang
// here, so they commit with the change or not at all.
type incidentHook func(tx txn, ev *IncidentChange) error

// incidentChanged emits the incident.* webhook event and runs the incident hooks in tx.
func (db *DB) incidentChanged(tx txn, page *StatusPage, inc *Incident, up *IncidentUpdate, kind string) error {
	name := "incident.updated"
	switch kind {
	case IncidentKindCreated:
		name = "incident.created"
	case IncidentKindResolved:
		name = "incident.resolved"
	}
	if err := db.emitEvent(tx, inc.OrgID, &Event{Name: name, Data: incidentEventData(page, inc, kind == IncidentKindDeleted)}); err != nil {
		return err
	}
	ev := &IncidentChange{OrgID: inc.OrgID, Page: page, Incident: inc, Update: up, Kind: kind}
	for _, hook := range db.afterIncident {
		if err := hook(tx, ev); err != nil {
			return err
		}
	}
	return nil
}

// incidentEventPage, incidentEventComponent and incidentEventUpdate are the allow-listed
// shapes of data.incident in incident.* webhook payloads.
type incidentEventPage struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type incidentEventComponent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type incidentEventUpdate struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
}

// incidentEventData builds {"incident": {...}} for the webhook envelope's data.
func incidentEventData(page *StatusPage, inc *Incident, deleted bool) map[string]any {
	comps := make([]incidentEventComponent, 0, len(inc.AffectedComponentIDs))
	for _, id := range inc.AffectedComponentIDs {
		c := incidentEventComponent{ID: id}
		if pc := page.Component(id); pc != nil {
			c.Name = pc.Name
		}
		comps = append(comps, c)
	}
	var latest *incidentEventUpdate
	if u := inc.Latest(); u != nil {
		latest = &incidentEventUpdate{ID: u.ID, Status: u.Status, Message: u.Message, CreatedAt: u.CreatedAt}
	}
	data := map[string]any{
		"id": inc.ID, "title": inc.Title, "status": inc.Status, "severity": inc.Severity,
		"page":       incidentEventPage{ID: page.ID, Name: page.Name, Slug: page.Slug},
		"components": comps, "latest_update": latest,
		// The documented names (SPEC §3.15), beside ours above.
		"status_page_id": page.ID, "affected_components": slices.Clone(inc.AffectedComponentIDs),
		"created_at": inc.CreatedAt, "resolved_at": inc.ResolvedAt,
	}
	if deleted {
		data["deleted"] = true
	}
	return map[string]any{"incident": data}
}
