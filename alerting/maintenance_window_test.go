package alerting

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestMaintenanceActiveRecurring checks the recorder's rule on a recurring window: daily
// 02:00–03:00 Europe/Berlin stays at 02:00 local across DST, and ending an occurrence
// early ends only that occurrence.
func TestMaintenanceActiveRecurring(t *testing.T) {
	w := &store.MaintenanceWindow{StartsAt: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC), Timezone: "Europe/Berlin",
		Recurrence: &store.RecurrenceSpec{Type: "daily", DurationMinutes: 60}}
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		at   string
		want bool
	}{
		{"2026-02-28T01:30:00Z", false}, // before the first start
		{"2026-03-01T01:00:00Z", true},  // 02:00 CET
		{"2026-03-01T01:59:59Z", true},
		{"2026-03-01T02:00:00Z", false}, // 03:00 CET: over
		{"2026-07-10T00:30:00Z", true},  // 02:30 CEST
		{"2026-07-10T01:30:00Z", false}, // 03:30 CEST
		{"2026-12-10T01:30:00Z", true},  // 02:30 CET again
	} {
		if got := MaintenanceActive(w, at(c.at)); got != c.want {
			t.Errorf("active at %s = %v, want %v", c.at, got, c.want)
		}
	}
	ended := at("2026-07-10T00:15:00Z")
	w.EndedAt = &ended
	if MaintenanceActive(w, at("2026-07-10T00:30:00Z")) || !MaintenanceActive(w, at("2026-07-10T00:10:00Z")) || !MaintenanceActive(w, at("2026-07-11T00:30:00Z")) {
		t.Error("ending early must end only the occurrence it falls in")
	}
	w.EndsAt = at("2026-07-11T00:00:00Z") // series end
	if MaintenanceActive(w, at("2026-07-11T00:30:00Z")) {
		t.Error("active after the series end")
	}
}
