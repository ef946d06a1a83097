package api

import (
	"slices"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// publicMaintenanceOf lists the active and upcoming (next upcomingMaintDays) occurrences
// of the windows that concern the page — a window for every service, or one naming a
// service of a component — expanding recurrences with the same rules the engine uses
// (alerting.MaintenanceActive, alerting.Recurrence). It also returns the windows active at now,
// which put their components in maintenance.
func publicMaintenanceOf(windows []store.MaintenanceWindow, p *store.StatusPage, now time.Time) ([]publicMaintenance, []store.MaintenanceWindow) {
	out := []publicMaintenance{}
	var active []store.MaintenanceWindow
	horizon := now.Add(upcomingMaintDays * 24 * time.Hour)
	for i := range windows {
		w := &windows[i]
		if !concernsPage(w, p) {
			continue
		}
		if alerting.MaintenanceActive(w, now) {
			occ, _ := alerting.MaintenanceOccurrence(w, now)
			out = append(out, publicMaintenance{Name: w.Name, Description: w.Description, StartsAt: occ.Start.UTC(), EndsAt: occ.End.UTC(), Active: true})
			active = append(active, *w)
		}
		if w.Recurrence == nil {
			if w.StartsAt.After(now) && !w.StartsAt.After(horizon) && w.EndedAt == nil {
				out = append(out, publicMaintenance{Name: w.Name, Description: w.Description, StartsAt: w.StartsAt.UTC(), EndsAt: w.EndsAt.UTC()})
			}
			continue
		}
		after := now
		for range maxUpcomingPerRule {
			next, ok := alerting.NextMaintenance(w, after)
			if !ok || next.Start.After(horizon) {
				break
			}
			out = append(out, publicMaintenance{Name: w.Name, Description: w.Description, StartsAt: next.Start.UTC(), EndsAt: next.End.UTC()})
			after = next.Start
		}
	}
	slices.SortStableFunc(out, func(a, b publicMaintenance) int { return a.StartsAt.Compare(b.StartsAt) })
	return out, active
}

// concernsPage reports whether window w covers a service shown on page p.
func concernsPage(w *store.MaintenanceWindow, p *store.StatusPage) bool {
	if len(w.ServiceIDs) == 0 {
		return true
	}
	return slices.ContainsFunc(p.Components, func(c store.Component) bool {
		return c.ServiceID != "" && w.Covers(c.ServiceID)
	})
}

// coveredBy reports whether one of the active windows covers serviceID.
func coveredBy(active []store.MaintenanceWindow, serviceID string) bool {
	if serviceID == "" {
		return false
	}
	return slices.ContainsFunc(active, func(w store.MaintenanceWindow) bool { return w.Covers(serviceID) })
}
