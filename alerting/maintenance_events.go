package alerting

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// defaultMaintenanceScan is how often MaintenanceEvents looks for windows that started
// or ended: webhook receivers hear of a transition within this much of it.
const defaultMaintenanceScan = 15 * time.Second

// MaintenanceEvents is the worker that emits the maintenance.started and
// maintenance.ended webhook events (SPEC §3.13, §3.15). Each pass compares every window's
// activity, decided by MaintenanceActive (the same check the recorder and the API use),
// with the state last announced, which the store persists per window; the state change and the
// queued webhook deliveries commit in one transaction (store.DB.AnnounceMaintenance), so
// every transition is emitted exactly once, across restarts. A window deleted while
// announced as started gets its maintenance.ended.
type MaintenanceEvents struct {
	Store    *store.DB
	Now      func() time.Time // default time.Now
	Interval time.Duration    // between passes; default 15s
	Logger   *slog.Logger     // nil discards
	Wake     func()           // wakes the outbox sender after events were queued; may be nil
}

// Run makes a pass every Interval until ctx is done. A failed pass is logged and retried
// at the next tick; Run returns nil on cancellation.
func (m *MaintenanceEvents) Run(ctx context.Context) error {
	interval := m.Interval
	if interval <= 0 {
		interval = defaultMaintenanceScan
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if _, err := m.Scan(); err != nil && m.Logger != nil {
			m.Logger.Error("maintenance events pass failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// Scan makes one pass over every organization's windows and returns how many
// transitions it emitted.
func (m *MaintenanceEvents) Scan() (int, error) {
	orgs, err := m.Store.Organizations()
	if err != nil {
		return 0, err
	}
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	emitted := 0
	var errs []error
	for _, org := range orgs {
		n, err := m.scanOrg(org.ID, now.UTC())
		emitted += n
		if err != nil && !errors.Is(err, store.ErrNotFound) { // ErrNotFound: deleted meanwhile
			errs = append(errs, fmt.Errorf("organization %s: %w", org.ID, err))
		}
	}
	if emitted > 0 && m.Wake != nil {
		m.Wake()
	}
	return emitted, errors.Join(errs...)
}

// scanOrg announces the transitions of one organization's windows at now.
func (m *MaintenanceEvents) scanOrg(orgID string, now time.Time) (int, error) {
	windows, err := m.Store.MaintenanceWindows(orgID)
	if err != nil {
		return 0, err
	}
	announced, err := m.Store.AnnouncedMaintenance(orgID)
	if err != nil {
		return 0, err
	}
	started := make(map[string]store.MaintenanceAnnouncement, len(announced))
	for _, a := range announced {
		started[a.Window.ID] = a
	}
	emitted := 0
	announce := func(w *store.MaintenanceWindow, active bool, occurrenceAt time.Time) error {
		name := "maintenance.ended"
		if active {
			name = "maintenance.started"
		}
		ev := &store.Event{Name: name, At: now, Data: map[string]any{"maintenance": maintenanceData(w, occurrenceAt)}}
		changed, err := m.Store.AnnounceMaintenance(orgID, w, active, ev)
		if changed {
			emitted++
		}
		return err
	}
	live := make(map[string]bool, len(windows))
	for i := range windows {
		w := &windows[i]
		live[w.ID] = true
		a, wasStarted := started[w.ID]
		switch active := MaintenanceActive(w, now); {
		case active && !wasStarted:
			err = announce(w, true, now)
		case !active && wasStarted:
			err = announce(w, false, a.StartedAt)
		}
		if err != nil {
			return emitted, err
		}
	}
	for _, a := range announced {
		if !live[a.Window.ID] { // deleted while in progress: it has ended
			if err := announce(&a.Window, false, a.StartedAt); err != nil {
				return emitted, err
			}
		}
	}
	return emitted, nil
}

// maintenanceData is data.maintenance of the events: {id, name, starts_at, ends_at,
// service_ids} plus recurring and ended_at (set when ended early). For a recurring window
// starts_at/ends_at are those of the occurrence covering occurrenceAt (the one that
// started, or the one that was announced when it ends); for a one-off window, its own.
func maintenanceData(w *store.MaintenanceWindow, occurrenceAt time.Time) map[string]any {
	start, end := w.StartsAt, w.EndsAt
	if w.Recurrence != nil {
		if occ, ok := recurringOccurrence(w, occurrenceAt); ok {
			start, end = occ.Start, occ.End
		}
	}
	services := w.ServiceIDs
	if services == nil {
		services = []string{}
	}
	return map[string]any{"id": w.ID, "name": w.Name, "starts_at": maintenanceTime(start), "ends_at": maintenanceTime(end),
		"service_ids": services, "recurring": w.Recurrence != nil, "ended_at": maintenanceTimePtr(w.EndedAt)}
}

func maintenanceTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func maintenanceTimePtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return maintenanceTime(*t)
}
