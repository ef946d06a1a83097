package store

import "time"

// Organization children of incidents (created on first write): incidents holds
// incidentID → Incident JSON; page_incidents is pageID + "/" + incidentID → nil, so one
// page's incidents are a prefix scan (newest last: IDs are UUIDv7) instead of a scan of
// every incident the organization ever had.
const (
	subIncidents     = "incidents"
	subPageIncidents = "page_incidents"
)

// Incident statuses and severities (SPEC §3.16).
const (
	IncidentInvestigating = "investigating"
	IncidentIdentified    = "identified"
	IncidentMonitoring    = "monitoring"
	IncidentResolved      = "resolved"

	SeverityMinor    = "minor"
	SeverityMajor    = "major"
	SeverityCritical = "critical"
)

// Incident is a status-page incident: a title, a status that follows its latest update,
// the components it affects and its update timeline (oldest first). AlertID is set on
// incidents opened automatically by an alert rule (create_status_page_incident).
type Incident struct {
	ID                   string           `json:"id"`
	OrgID                string           `json:"org_id"`
	PageID               string           `json:"page_id"`
	Title                string           `json:"title"`
	Status               string           `json:"status"`
	Severity             string           `json:"severity"`
	AffectedComponentIDs []string         `json:"affected_component_ids"`
	Updates              []IncidentUpdate `json:"updates"`
	Postmortem           string           `json:"postmortem"`
	AlertID              string           `json:"alert_id,omitempty"`
	CreatedAt            time.Time        `json:"created_at"`
	UpdatedAt            time.Time        `json:"updated_at"`
	ResolvedAt           *time.Time       `json:"resolved_at"`
}

// IncidentUpdate is one entry of an incident's timeline. CreatedBy is the acting user's
// (or API key's) ID, or "system" for automatic incidents.
type IncidentUpdate struct {
	ID        string    `json:"id"`
	Status    string    `json:"status"`
	Message   string    `json:"message"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
}

// Latest returns the newest update, or nil when there is none.
func (i *Incident) Latest() *IncidentUpdate {
	if len(i.Updates) == 0 {
		return nil
	}
	return &i.Updates[len(i.Updates)-1]
}

// CreateIncident opens an incident on page pageID of orgID with first as its first update:
// the incident's status is first.Status (resolved sets ResolvedAt). A given ID is kept
// (ErrConflict if taken), an empty one filled, as are the times and update IDs.
// incident.created is emitted and the incident hooks run in the same
// transaction. ErrNotFound when the page is not the organization's.
func (db *DB) CreateIncident(orgID, pageID string, inc *Incident, first IncidentUpdate, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var page StatusPage
		if err := getStatusPage(tx, orgID, pageID, &page); err != nil {
			return err
		}
		return db.createIncident(tx, &page, inc, first)
	})
}

// createIncident is CreateIncident inside tx, on a page already loaded (also used by
// automatic incidents, AlertTx.OpenIncident).
func (db *DB) createIncident(tx txn, page *StatusPage, inc *Incident, first IncidentUpdate) error {
	now := db.stamp()
	if inc.ID == "" {
		inc.ID = NewID()
	} else if b, err := orgSub(tx, page.OrgID, subIncidents); err != nil {
		return err
	} else if b.Get([]byte(inc.ID)) != nil {
		return conflictf(entityIncident, "An incident with ID %s already exists.", inc.ID)
	}
	inc.OrgID, inc.PageID, inc.CreatedAt, inc.UpdatedAt = page.OrgID, page.ID, now, now
	inc.Updates, inc.ResolvedAt = nil, nil
	up := appendUpdate(inc, first, now)
	if err := putIncident(tx, inc); err != nil {
		return err
	}
	return db.incidentChanged(tx, page, inc, up, IncidentKindCreated)
}

// Incident returns incident id of page pageID of orgID, or ErrNotFound (also when it
// belongs to another page or organization).
func (db *DB) Incident(orgID, pageID, id string) (*Incident, error) {
	var inc Incident
	err := db.view(func(tx txn) error { return getIncident(tx, orgID, pageID, id, &inc) })
	if err != nil {
		return nil, err
	}
	return &inc, nil
}

// Incidents lists the incidents of page pageID of orgID, newest first; never nil.
// ErrNotFound when the page is not the organization's.
func (db *DB) Incidents(orgID, pageID string) ([]Incident, error) {
	var out []Incident
	err := db.view(func(tx txn) error {
		if err := getStatusPage(tx, orgID, pageID, &StatusPage{}); err != nil {
			return err
		}
		var err error
		out, err = pageIncidents(tx, orgID, pageID, time.Time{})
		return err
	})
	return out, err
}

// AddIncidentUpdate appends an update to the timeline; the incident takes its status.
// Moving to resolved sets ResolvedAt and emits incident.resolved; any other update
// (including one that reopens a resolved incident, clearing ResolvedAt) emits
// incident.updated. The incident hooks see the same change, in the same transaction.
func (db *DB) AddIncidentUpdate(orgID, pageID, id string, u IncidentUpdate, change *Change) (*Incident, error) {
	var inc Incident
	err := db.update(orgID, change, func(tx txn) error {
		var page StatusPage
		if err := getStatusPage(tx, orgID, pageID, &page); err != nil {
			return err
		}
		if err := getIncident(tx, orgID, pageID, id, &inc); err != nil {
			return err
		}
		return db.addIncidentUpdate(tx, &page, &inc, u)
	})
	if err != nil {
		return nil, err
	}
	return &inc, nil
}

// addIncidentUpdate is AddIncidentUpdate inside tx, on a page and incident already loaded
// (also used when an alert resolves its automatic incident, AlertTx.ResolveIncident).
func (db *DB) addIncidentUpdate(tx txn, page *StatusPage, inc *Incident, u IncidentUpdate) error {
	wasResolved := inc.Status == IncidentResolved
	now := db.stamp()
	up := appendUpdate(inc, u, now)
	inc.UpdatedAt = now
	if err := putIncident(tx, inc); err != nil {
		return err
	}
	kind := IncidentKindUpdated
	if inc.Status == IncidentResolved && !wasResolved {
		kind = IncidentKindResolved
	}
	return db.incidentChanged(tx, page, inc, up, kind)
}

// UpdateIncident lets fn edit the incident's title, severity, affected components, postmortem
// or alert link; its status, timeline and times belong to AddIncidentUpdate and are kept.
// incident.updated is emitted. An error from fn aborts and is returned as is.
func (db *DB) UpdateIncident(orgID, pageID, id string, fn func(*Incident) error, change *Change) (*Incident, error) {
	var inc Incident
	err := db.update(orgID, change, func(tx txn) error {
		var page StatusPage
		if err := getStatusPage(tx, orgID, pageID, &page); err != nil {
			return err
		}
		if err := getIncident(tx, orgID, pageID, id, &inc); err != nil {
			return err
		}
		kept := inc
		if err := fn(&inc); err != nil {
			return err
		}
		inc.ID, inc.OrgID, inc.PageID, inc.CreatedAt = kept.ID, kept.OrgID, kept.PageID, kept.CreatedAt
		inc.Status, inc.Updates, inc.ResolvedAt, inc.UpdatedAt = kept.Status, kept.Updates, kept.ResolvedAt, db.stamp()
		if err := putIncident(tx, &inc); err != nil {
			return err
		}
		return db.incidentChanged(tx, &page, &inc, nil, IncidentKindUpdated)
	})
	if err != nil {
		return nil, err
	}
	return &inc, nil
}

// DeleteIncident removes an incident. incident.updated is emitted with "deleted": true
// (SPEC has no incident.deleted event) and the hooks run with IncidentKindDeleted.
func (db *DB) DeleteIncident(orgID, pageID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var page StatusPage
		if err := getStatusPage(tx, orgID, pageID, &page); err != nil {
			return err
		}
		var inc Incident
		if err := getIncident(tx, orgID, pageID, id, &inc); err != nil {
			return err
		}
		if err := removeIncident(tx, orgID, pageID, id); err != nil {
			return err
		}
		return db.incidentChanged(tx, &page, &inc, nil, IncidentKindDeleted)
	})
}

// appendUpdate fills u (ID, time), appends it and moves the incident to its status.
func appendUpdate(inc *Incident, u IncidentUpdate, now time.Time) *IncidentUpdate {
	u.ID, u.CreatedAt = NewID(), now
	inc.Updates = append(inc.Updates, u)
	inc.Status = u.Status
	if u.Status == IncidentResolved {
		inc.ResolvedAt = &now
	} else {
		inc.ResolvedAt = nil
	}
	return &inc.Updates[len(inc.Updates)-1]
}
