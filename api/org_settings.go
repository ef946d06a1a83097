package api

import (
	"slices"
	"strings"
	"time"
	// The IANA database is compiled in so a timezone that validates here
	// also loads on a distroless image without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/alertifypro/alertifypro/store"
)

// Allowed values of the organization's alert defaults (SPEC §3.9). The
// slices are read only.
var (
	alertSeverities = []string{"critical", "warning", "info"}
	alertStatuses   = []string{"RED", "YELLOW"}
)

// Bounds of the consecutive failure/success counts of the alert defaults.
const (
	minConsecutive     = 1
	maxConsecutive     = 100
	consecutiveProblem = "must be a whole number from 1 to 100"
)

// settingsView is the organization's settings as the API shows them.
type settingsView struct {
	Timezone      string            `json:"timezone"`
	AlertDefaults alertDefaultsView `json:"alert_defaults"`
	// DefaultLocations are the probe locations a new service is checked from when it
	// names none (SPEC §8): the built-in location unless set.
	DefaultLocations []string `json:"default_locations"`
	// RequireMFA sends members without a second factor to enrol one at their next
	// sign-in (SPEC §10).
	RequireMFA bool `json:"require_mfa"`
}

// alertDefaultsView holds the defaults new alert rules start from.
type alertDefaultsView struct {
	Severity             string   `json:"severity"`
	ConsecutiveFailures  int      `json:"consecutive_failures"`
	ConsecutiveSuccesses int      `json:"consecutive_successes"`
	NotifyOnRecovery     bool     `json:"notify_on_recovery"`
	Statuses             []string `json:"statuses"`
}

func newSettingsView(s store.OrgSettings, builtin string) settingsView {
	d := s.AlertDefaults
	statuses := append([]string{}, d.Statuses...)
	locations := append([]string{}, s.DefaultLocations...)
	if len(locations) == 0 {
		locations = []string{builtin}
	}
	return settingsView{Timezone: s.Timezone, AlertDefaults: alertDefaultsView{
		Severity: d.Severity, ConsecutiveFailures: d.ConsecutiveFailures,
		ConsecutiveSuccesses: d.ConsecutiveSuccesses, NotifyOnRecovery: d.NotifyOnRecovery,
		Statuses: statuses}, DefaultLocations: locations, RequireMFA: s.RequireMFA}
}

// settingsUpdate is the settings part of PUT /organization; absent fields
// keep their value.
type settingsUpdate struct {
	Timezone      *string              `json:"timezone"`
	AlertDefaults *alertDefaultsUpdate `json:"alert_defaults"`
	// DefaultLocations is checked by the handler against the locations the organization
	// may use (locationChoice.checkDefaultLocations), which needs the store.
	DefaultLocations *[]string `json:"default_locations"`
	RequireMFA       *bool     `json:"require_mfa"`
}

type alertDefaultsUpdate struct {
	Severity             *string   `json:"severity"`
	ConsecutiveFailures  *int      `json:"consecutive_failures"`
	ConsecutiveSuccesses *int      `json:"consecutive_successes"`
	NotifyOnRecovery     *bool     `json:"notify_on_recovery"`
	Statuses             *[]string `json:"statuses"`
}

// validate checks and normalizes the given fields in place (severity lower
// case, statuses upper case without duplicates), reporting problems under
// their dotted names. A nil update is valid.
func (u *settingsUpdate) validate(f fieldErrors) {
	if u == nil {
		return
	}
	if u.Timezone != nil {
		tz := strings.TrimSpace(*u.Timezone)
		// LoadLocation accepts "" and "Local" (the server's zone); neither
		// names a zone the organization can rely on.
		if _, err := time.LoadLocation(tz); err != nil || tz == "" || tz == "Local" {
			f.add("settings.timezone", "must be an IANA time zone such as UTC or Europe/Berlin")
		}
		*u.Timezone = tz
	}
	d := u.AlertDefaults
	if d == nil {
		return
	}
	if d.Severity != nil {
		*d.Severity = strings.ToLower(strings.TrimSpace(*d.Severity))
		if !slices.Contains(alertSeverities, *d.Severity) {
			f.add("settings.alert_defaults.severity", "must be one of "+strings.Join(alertSeverities, ", "))
		}
	}
	for name, v := range map[string]*int{
		"consecutive_failures": d.ConsecutiveFailures, "consecutive_successes": d.ConsecutiveSuccesses} {
		if v != nil && (*v < minConsecutive || *v > maxConsecutive) {
			f.add("settings.alert_defaults."+name, consecutiveProblem)
		}
	}
	if d.Statuses != nil {
		var norm []string
		for _, s := range *d.Statuses {
			s = strings.ToUpper(strings.TrimSpace(s))
			if !slices.Contains(alertStatuses, s) {
				f.add("settings.alert_defaults.statuses", "may hold only "+strings.Join(alertStatuses, " and "))
			}
			if !slices.Contains(norm, s) {
				norm = append(norm, s)
			}
		}
		if len(norm) == 0 {
			f.add("settings.alert_defaults.statuses", "must name at least one of "+strings.Join(alertStatuses, ", "))
		}
		*d.Statuses = norm
	}
}

// apply merges a validated update into s and returns the names of the
// settings that actually changed.
func (u *settingsUpdate) apply(s *store.OrgSettings) []string {
	var changed []string
	if u == nil {
		return changed
	}
	if u.Timezone != nil && *u.Timezone != s.Timezone {
		s.Timezone, changed = *u.Timezone, append(changed, "timezone")
	}
	if u.DefaultLocations != nil && !slices.Equal(*u.DefaultLocations, s.DefaultLocations) {
		s.DefaultLocations, changed = slices.Clone(*u.DefaultLocations), append(changed, "default_locations")
	}
	if u.RequireMFA != nil && *u.RequireMFA != s.RequireMFA {
		s.RequireMFA, changed = *u.RequireMFA, append(changed, "require_mfa")
	}
	d, cur := u.AlertDefaults, &s.AlertDefaults
	if d == nil {
		return changed
	}
	if d.Severity != nil && *d.Severity != cur.Severity {
		cur.Severity, changed = *d.Severity, append(changed, "alert_defaults.severity")
	}
	if d.ConsecutiveFailures != nil && *d.ConsecutiveFailures != cur.ConsecutiveFailures {
		cur.ConsecutiveFailures, changed = *d.ConsecutiveFailures, append(changed, "alert_defaults.consecutive_failures")
	}
	if d.ConsecutiveSuccesses != nil && *d.ConsecutiveSuccesses != cur.ConsecutiveSuccesses {
		cur.ConsecutiveSuccesses, changed = *d.ConsecutiveSuccesses, append(changed, "alert_defaults.consecutive_successes")
	}
	if d.NotifyOnRecovery != nil && *d.NotifyOnRecovery != cur.NotifyOnRecovery {
		cur.NotifyOnRecovery, changed = *d.NotifyOnRecovery, append(changed, "alert_defaults.notify_on_recovery")
	}
	if d.Statuses != nil && !slices.Equal(*d.Statuses, cur.Statuses) {
		cur.Statuses, changed = append([]string{}, *d.Statuses...), append(changed, "alert_defaults.statuses")
	}
	return changed
}
