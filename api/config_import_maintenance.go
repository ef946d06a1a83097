package api

import (
	"encoding/json"
	"strconv"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// maintenanceImport is a maintenance window element: the API's request body with the
// covered services by name (services) instead of by ID.
type maintenanceImport struct {
	maintenanceRequest
	Services *[]string `json:"services"`
}

// planWindows validates the maintenance windows through maintenanceRequest.apply, always
// as a POST onto a fresh window: the element is the window's whole configuration (an
// absent ends_at means none, not "keep"), so an existing window is updated to exactly it.
// Its service names resolve against the organization's services and the document's.
func (p *importPlan) planWindows(items []json.RawMessage) {
	existing := map[string]*store.MaintenanceWindow{}
	for i := range p.st.windows {
		w := &p.st.windows[i]
		if _, dup := existing[namekey(w.Name)]; dup {
			existing[namekey(w.Name)] = nil // ambiguous name
		} else {
			existing[namekey(w.Name)] = w
		}
	}
	names := p.st.names
	windows := (&maintenanceHandlers{base: p.h.base}).windows(p.h.now())
	tz := p.org.Settings.Timezone
	for path, req := range elements(p, "maintenance_windows", items, func(r *maintenanceImport) *string { return r.Name }) {
		ids, ok := p.serviceRefs(path, req.ServiceIDs, req.Services)
		if !ok {
			continue
		}
		req.ServiceIDs = ids
		fresh := &store.MaintenanceWindow{}
		if !p.ok(path, req.apply(fresh, true, tz, func(string) bool { return true })) {
			continue
		}
		old, found := existing[namekey(fresh.Name)]
		switch {
		case found && old == nil:
			p.f.add(path+".name", "is shared by several maintenance windows of this organization; rename them first")
		case !found:
			fresh.ID = uuid.Must(uuid.NewV7()).String()
			upsert(p, windows, "maintenance_window", fresh.Name, "", fresh, nil)
		default:
			// names holds the services the document creates too; the old window cannot
			// name those, so a window that gains one differs, as it should.
			if sameJSON(newMaintenanceItem(old, nameOf(names)), newMaintenanceItem(fresh, nameOf(names))) {
				p.change("", "maintenance_window", old.Name, nil)
				continue
			}
			upsert(p, windows, "maintenance_window", fresh.Name, old.ID, fresh, copyWindowConfig)
		}
	}
}

// serviceRefs resolves the services an element at path names (refs; nil: none, i.e.
// every service) into the service_ids its API request takes; an unknown name is a problem
// at path.services. An element giving service_ids itself (byID) is refused: a document
// names services, since IDs do not carry from one organization to another.
func (p *importPlan) serviceRefs(path string, byID, refs *[]string) (*[]string, bool) {
	if byID != nil {
		p.f.add(path+".service_ids", "is not used in a configuration document; name the services in services")
		return nil, false
	}
	field, ids := path+".services", []string{}
	if refs == nil {
		return &ids, true
	}
	ok := true
	for _, name := range *refs {
		id, known := p.services[namekey(name)]
		if !known {
			p.f.add(field, "names "+strconv.Quote(name)+", which is neither a service of this organization nor of the document")
			ok = false
			continue
		}
		ids = append(ids, id)
	}
	return &ids, ok
}

// copyWindowConfig copies the configuration of src onto dst, leaving its identity and
// state (ID, EndedAt, times of creation) alone.
func copyWindowConfig(dst, src *store.MaintenanceWindow) {
	dst.Name, dst.Description, dst.ServiceIDs = src.Name, src.Description, src.ServiceIDs
	dst.StartsAt, dst.EndsAt, dst.Recurrence, dst.Timezone = src.StartsAt, src.EndsAt, src.Recurrence, src.Timezone
	dst.SuppressAlerts, dst.ShowOnStatusPages = src.SuppressAlerts, src.ShowOnStatusPages
}
