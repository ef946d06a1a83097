package store

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// oneOffCheck is the one-off rule of the real check (api.MaintenanceActive), enough for
// store tests: StartsAt ≤ at < EndsAt, unless ended early by then.
func oneOffCheck(w *MaintenanceWindow, at time.Time) bool {
	if w.EndedAt != nil && !at.Before(*w.EndedAt) {
		return false
	}
	return !at.Before(w.StartsAt) && at.Before(w.EndsAt)
}

func TestMaintenanceWindowCRUD(t *testing.T) {
	db := openTestDB(t)
	org, other := mustOrg(t, db, "ada"), mustOrg(t, db, "bob")
	start := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	w := &MaintenanceWindow{Name: "DB upgrade", ServiceIDs: []string{"s1"}, StartsAt: start, EndsAt: start.Add(time.Hour),
		Timezone: "Europe/Berlin", SuppressAlerts: true,
		Recurrence: &RecurrenceSpec{Type: "weekly", DaysOfWeek: []int{1, 3}, DurationMinutes: 30}}
	if err := db.CreateMaintenanceWindow(org, w, nil); err != nil {
		t.Fatal(err)
	}
	if w.ID == "" || w.OrgID != org || w.CreatedAt.IsZero() || !w.UpdatedAt.Equal(w.CreatedAt) {
		t.Fatalf("create did not fill: %+v", w)
	}
	got, err := db.MaintenanceWindow(org, w.ID)
	if err != nil || got.Name != "DB upgrade" || got.Recurrence == nil || len(got.Recurrence.DaysOfWeek) != 2 || got.Timezone != "Europe/Berlin" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	// Another organization sees nothing of it: get, list, update, delete.
	if _, err := db.MaintenanceWindow(other, w.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org get: %v", err)
	}
	if list, err := db.MaintenanceWindows(other); err != nil || len(list) != 0 {
		t.Errorf("other org list = %v, %v", list, err)
	}
	if _, err := db.UpdateMaintenanceWindow(other, w.ID, func(*MaintenanceWindow) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org update: %v", err)
	}
	if err := db.DeleteMaintenanceWindow(other, w.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org delete: %v", err)
	}
	if _, err := db.MaintenanceWindows("no-such-org"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown org list: %v", err)
	}
	upd, err := db.UpdateMaintenanceWindow(org, w.ID, func(m *MaintenanceWindow) error {
		m.Name, m.ID, m.OrgID = "Renamed", "hijack", other
		return nil
	}, nil)
	if err != nil || upd.Name != "Renamed" || upd.ID != w.ID || upd.OrgID != org || !upd.CreatedAt.Equal(w.CreatedAt) {
		t.Fatalf("update = %+v, %v", upd, err)
	}
	boom := errors.New("boom")
	if _, err := db.UpdateMaintenanceWindow(org, w.ID, func(m *MaintenanceWindow) error { m.Name = "x"; return boom }, nil); !errors.Is(err, boom) {
		t.Fatalf("aborted update: %v", err)
	}
	if list, err := db.MaintenanceWindows(org); err != nil || len(list) != 1 || list[0].Name != "Renamed" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if err := db.DeleteMaintenanceWindow(org, w.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MaintenanceWindow(org, w.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

// TestRecordResultsInMaintenance records checks before, during and after a one-off window
// covering one of two services: inside it the covered service's results are stored as
// MAINTENANCE (the probe's status kept in the error text), its status reads MAINTENANCE,
// and Uptime counts the checks and time as maintenance, not as down.
func TestRecordResultsInMaintenance(t *testing.T) {
	start := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	db, _, org := openSeriesDB(t, start.Add(3*time.Hour))
	svcs := createServices(t, db, org.ID, 2, time.Minute)
	covered, free := svcs[0], svcs[1]
	db.maintenance = oneOffCheck
	win := &MaintenanceWindow{Name: "upgrade", ServiceIDs: []string{covered.ID}, StartsAt: start.Add(time.Hour), EndsAt: start.Add(2 * time.Hour)}
	if err := db.CreateMaintenanceWindow(org.ID, win, nil); err != nil {
		t.Fatal(err)
	}
	// Every check is RED: in the window only maintenance should count, outside it down time.
	var items []RecordItem
	for at := start; at.Before(start.Add(3 * time.Hour)); at = at.Add(time.Minute) {
		items = append(items, result(org.ID, covered.ID, at, StatusRed, 10), result(org.ID, free.ID, at, StatusRed, 10))
	}
	mid := start.Add(90 * time.Minute)
	// One batch ends inside the window, so the service's status can be read there.
	var inside, after []RecordItem
	for _, it := range items {
		if it.Result.CheckedAt.After(mid) {
			after = append(after, it)
		} else {
			inside = append(inside, it)
		}
	}
	mustRecord(t, db, inside...)
	if s, _ := db.Service(org.ID, covered.ID); s.Status != StatusMaintenance || s.LastError != "probe RED: expected status 2xx, got 503" {
		t.Errorf("covered service in window: status %s, error %v", s.Status, s.LastError)
	}
	if s, _ := db.Service(org.ID, free.ID); s.Status != StatusRed {
		t.Errorf("uncovered service in window: status %s", s.Status)
	}
	checks, err := db.Checks(org.ID, covered.ID, mid, mid.Add(time.Second), 10)
	if err != nil || len(checks) != 1 || checks[0].Status != StatusMaintenance || !strings.HasPrefix(checks[0].Error, "probe RED") {
		t.Errorf("raw result in window = %+v, %v", checks, err)
	}
	if items[0].Result.Status != StatusRed {
		t.Error("the caller's batch was changed")
	}
	mustRecord(t, db, after...)
	if s, _ := db.Service(org.ID, covered.ID); s.Status != StatusRed {
		t.Errorf("covered service after window: status %s", s.Status)
	}
	up, err := db.Uptime(org.ID, covered.ID, start, start.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if up.MaintenanceChecks != 60 || up.FailedChecks != 120 || up.TotalChecks != 180 {
		t.Errorf("covered counts: %+v", up)
	}
	if up.MaintenanceSeconds != 3600 {
		t.Errorf("maintenance seconds = %v, want 3600", up.MaintenanceSeconds)
	}
	if up.UptimePercentage != 0 {
		t.Errorf("uptime = %v: maintenance must not count as up", up.UptimePercentage)
	}
	freeUp, _ := db.Uptime(org.ID, free.ID, start, start.Add(3*time.Hour))
	if freeUp.MaintenanceChecks != 0 || freeUp.FailedChecks != 180 {
		t.Errorf("uncovered counts: %+v", freeUp)
	}
}

// TestRecordResultsMaintenanceExcludedFromUptime: a GREEN service with RED checks only
// inside the window keeps 100% uptime, and a window ended early stops applying.
func TestRecordResultsMaintenanceExcludedFromUptime(t *testing.T) {
	start := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	db, _, org := openSeriesDB(t, start.Add(2*time.Hour))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	db.maintenance = oneOffCheck
	ended := start.Add(45 * time.Minute)
	// Every service (empty ServiceIDs), ended early at 12:45.
	win := &MaintenanceWindow{Name: "all", StartsAt: start.Add(30 * time.Minute), EndsAt: start.Add(90 * time.Minute), EndedAt: &ended}
	if err := db.CreateMaintenanceWindow(org.ID, win, nil); err != nil {
		t.Fatal(err)
	}
	var items []RecordItem
	for at := start; at.Before(start.Add(2 * time.Hour)); at = at.Add(time.Minute) {
		st := StatusGreen
		if !at.Before(win.StartsAt) && at.Before(ended) {
			st = StatusRed
		}
		items = append(items, result(org.ID, svc.ID, at, st, 10))
	}
	mustRecord(t, db, items...)
	up, err := db.Uptime(org.ID, svc.ID, start, start.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if up.MaintenanceChecks != 15 || up.FailedChecks != 0 || up.UptimePercentage != 100 || up.DownSeconds != 0 {
		t.Errorf("uptime with maintenance: %+v", up)
	}
	// A window the check finds inactive leaves the probe's status.
	db.maintenance = func(*MaintenanceWindow, time.Time) bool { return false }
	mustRecord(t, db, result(org.ID, svc.ID, start.Add(3*time.Hour), StatusRed, 1))
	if s, _ := db.Service(org.ID, svc.ID); s.Status != StatusRed {
		t.Errorf("no active window: status %s", s.Status)
	}
}
