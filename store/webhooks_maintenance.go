package store

import "time"

// subMaintenanceAnnounced is the organization child recording which maintenance windows
// have had their maintenance.started event sent and not yet their maintenance.ended
// (windowID → MaintenanceAnnouncement JSON); created on first write.
const subMaintenanceAnnounced = "maintenance_announced"

// MaintenanceAnnouncement records that a window's maintenance.started event was emitted.
// Window is the window as it was then, so maintenance.ended can still describe it after
// the window is deleted.
type MaintenanceAnnouncement struct {
	Window    MaintenanceWindow `json:"window"`
	StartedAt time.Time         `json:"started_at"`
}

// AnnounceMaintenance records that window w is now announced as active (started true) or
// no longer (false) and emits ev in the same transaction — but only when that changes the
// recorded state; changed tells whether it did. Because the state and the queued webhook
// deliveries commit together, each transition is emitted exactly once, across restarts
// and concurrent callers.
func (db *DB) AnnounceMaintenance(orgID string, w *MaintenanceWindow, started bool, ev *Event) (changed bool, err error) {
	err = db.update(orgID, nil, func(tx txn) error {
		b, err := orgSub(tx, orgID, subMaintenanceAnnounced)
		if err != nil {
			return err
		}
		key := []byte(w.ID)
		if (b.Get(key) != nil) == started {
			return nil // already in that state: someone announced it before us
		}
		if ev.At.IsZero() {
			ev.At = db.stamp()
		}
		if started {
			err = putJSON(b, key, &MaintenanceAnnouncement{Window: *w, StartedAt: ev.At.UTC()})
		} else {
			err = b.Delete(key)
		}
		if err != nil {
			return err
		}
		changed = true
		return db.emitEvent(tx, orgID, ev)
	})
	if err != nil {
		return false, err
	}
	return changed, nil
}

// AnnouncedMaintenance returns the windows of orgID whose start was announced and whose
// end was not yet, in window ID order; never nil.
func (db *DB) AnnouncedMaintenance(orgID string) ([]MaintenanceAnnouncement, error) {
	var out []MaintenanceAnnouncement
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subMaintenanceAnnounced)
		if err != nil {
			return err
		}
		out, err = listJSON[MaintenanceAnnouncement](b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
