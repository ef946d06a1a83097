package store

import (
	"slices"
	"time"
)

// subMaintenance is the organization child holding maintenance windows
// (windowID → MaintenanceWindow JSON); created on first write.
const subMaintenance = "maintenance"

// MaintenanceWindow is a planned downtime of some or all of an organization's
// services (SPEC §3.13). A one-off window covers [StartsAt, EndsAt); a
// recurring one repeats by Recurrence from StartsAt in Timezone. EndedAt, when
// set, ends the window early: it is not active from that moment on.
type MaintenanceWindow struct {
	ID          string `json:"id"`
	OrgID       string `json:"org_id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// ServiceIDs are the covered services; empty means every service of the org.
	ServiceIDs        []string        `json:"service_ids"`
	StartsAt          time.Time       `json:"starts_at"`
	EndsAt            time.Time       `json:"ends_at"`
	Recurrence        *RecurrenceSpec `json:"recurrence"`
	Timezone          string          `json:"timezone"`
	SuppressAlerts    bool            `json:"suppress_alerts"`
	ShowOnStatusPages bool            `json:"show_on_status_pages"`
	EndedAt           *time.Time      `json:"ended_at"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

// RecurrenceSpec is a window's stored repeat rule, field for field the API's
// recurrence object. It is interpreted by alerting.Recurrence (the api and
// engine layers convert), since store does not import alerting.
type RecurrenceSpec struct {
	Type            string     `json:"type"`
	DaysOfWeek      []int      `json:"days_of_week"`
	DayOfMonth      int        `json:"day_of_month"`
	Expression      string     `json:"expression"`
	DurationMinutes int        `json:"duration_minutes"`
	Until           *time.Time `json:"until"`
}

// Covers reports whether the window applies to serviceID (empty ServiceIDs =
// all services). It does not look at time.
func (w *MaintenanceWindow) Covers(serviceID string) bool {
	return len(w.ServiceIDs) == 0 || slices.Contains(w.ServiceIDs, serviceID)
}

// MaintenanceCheck decides whether window w is active at instant at; RecordResults uses
// it to record results in an active window as MAINTENANCE. The store cannot evaluate
// recurrence rules itself (they live in package alerting), so Open is given one
// (Options.Maintenance: alerting.MaintenanceActive).
type MaintenanceCheck func(w *MaintenanceWindow, at time.Time) bool

// CreateMaintenanceWindow stores a new window. Empty ID and times are filled;
// w.OrgID is set to orgID. ErrNotFound when the organization does not exist.
func (db *DB) CreateMaintenanceWindow(orgID string, w *MaintenanceWindow, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subMaintenance)
		if err != nil {
			return err
		}
		if w.ID == "" {
			w.ID = NewID()
		}
		if b.Get([]byte(w.ID)) != nil {
			return conflictf(entityWindow, "A maintenance window with ID %s already exists.", w.ID)
		}
		if w.CreatedAt.IsZero() {
			w.CreatedAt = db.stamp()
		}
		w.OrgID, w.UpdatedAt = orgID, w.CreatedAt
		return putJSON(b, []byte(w.ID), w)
	})
}

// MaintenanceWindow returns one window of the organization, or ErrNotFound.
func (db *DB) MaintenanceWindow(orgID, id string) (*MaintenanceWindow, error) {
	var w MaintenanceWindow
	err := db.view(func(tx txn) error {
		return getMaintenanceWindow(tx, orgID, id, &w)
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// MaintenanceWindows lists the organization's windows, oldest first.
func (db *DB) MaintenanceWindows(orgID string) ([]MaintenanceWindow, error) {
	var out []MaintenanceWindow
	err := db.view(func(tx txn) error {
		var err error
		out, err = listMaintenanceWindows(tx, orgID)
		return err
	})
	return out, err
}

// UpdateMaintenanceWindow loads the window, lets fn change it and stores it.
// fn runs inside the write transaction and its error aborts the update (so a
// check such as "is it active?" and the write see the same state). ID, OrgID
// and CreatedAt cannot change.
func (db *DB) UpdateMaintenanceWindow(orgID, id string, fn func(*MaintenanceWindow) error, change *Change) (*MaintenanceWindow, error) {
	var w MaintenanceWindow
	err := db.update(orgID, change, func(tx txn) error {
		if err := getMaintenanceWindow(tx, orgID, id, &w); err != nil {
			return err
		}
		created := w.CreatedAt
		if err := fn(&w); err != nil {
			return err
		}
		w.ID, w.OrgID, w.CreatedAt, w.UpdatedAt = id, orgID, created, db.stamp()
		b, err := orgSub(tx, orgID, subMaintenance)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(id), &w)
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// DeleteMaintenanceWindow removes a window; ErrNotFound when it is not the
// organization's.
func (db *DB) DeleteMaintenanceWindow(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		if err := getMaintenanceWindow(tx, orgID, id, &MaintenanceWindow{}); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subMaintenance)
		if err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// getMaintenanceWindow decodes orgs/<orgID>/maintenance/<id> into w.
func getMaintenanceWindow(tx txn, orgID, id string, w *MaintenanceWindow) error {
	b, err := orgSub(tx, orgID, subMaintenance)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), w, entityWindow)
}

// listMaintenanceWindows reads every window of the organization in tx; a
// missing bucket (no window ever created) is an empty list.
func listMaintenanceWindows(tx txn, orgID string) ([]MaintenanceWindow, error) {
	ob, err := orgBucket(tx, orgID)
	if err != nil {
		return nil, err
	}
	return listJSON[MaintenanceWindow](ob.Bucket([]byte(subMaintenance)))
}

// activeWindow returns the first of the organization's windows that covers serviceID and
// is active at at, or nil. The windows are read once per organization per batch, in the
// batch's own transaction, so a window created or ended commits before or after a whole
// batch, never in the middle of one.
func (w *seriesWriter) activeWindow(ow *orgWriter, serviceID string, at time.Time) (*MaintenanceWindow, error) {
	if !ow.windowsRead {
		ws, err := listMaintenanceWindows(w.tx, ow.id)
		if err != nil {
			return nil, err
		}
		ow.windows, ow.windowsRead = ws, true
	}
	for i := range ow.windows {
		if win := &ow.windows[i]; win.Covers(serviceID) && w.inMaintenance(win, at) {
			return win, nil
		}
	}
	return nil, nil
}

// inMaintenance returns a copy of r (the caller's batch is not changed) recorded as
// MAINTENANCE, so the raw row, the rollups' maintenance count, the service's status and
// the alerting hooks all see maintenance. The probe's own status is kept at the front of
// the error text ("probe RED: connection refused", "probe GREEN"), so the check history
// still tells what the probe saw; response time and status code are kept as measured.
func inMaintenance(r *CheckResult) *CheckResult {
	m := *r
	m.Status = StatusMaintenance
	if r.Status != StatusMaintenance {
		m.Error = "probe " + r.Status
		if r.Error != "" {
			m.Error += ": " + r.Error
		}
	}
	return &m
}
