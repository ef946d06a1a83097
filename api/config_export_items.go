package api

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// The items of a configuration document (SPEC §3.19). Each is the resource's request body
// as its API accepts it, minus IDs, runtime state and secrets, with references written as
// names: an item read back through the same validators reproduces the object. Secrets
// appear only as the placeholders the resource's own PUT reads as "keep the stored value":
// a service's auth as {type, configured: true} and masked header values, a channel's
// secret config fields as the mask, a webhook's URL in its display form (query values
// masked) and never its signing secret.

// serviceItem is a service (SPEC §3.6) in a configuration document.
type serviceItem struct {
	Name                 string          `json:"name"`
	Description          string          `json:"description"`
	Environment          string          `json:"environment"`
	Endpoint             string          `json:"endpoint"`
	CheckType            string          `json:"check_type"`
	CheckIntervalSeconds int             `json:"check_interval_seconds"`
	TimeoutSeconds       int             `json:"timeout_seconds"`
	Paused               bool            `json:"paused"`
	Tags                 []string        `json:"tags"`
	DegradedThresholdMS  int             `json:"degraded_threshold_ms"`
	ResponseTimeWarning  *int            `json:"response_time_warning,omitempty"`
	ResponseTimeCritical *int            `json:"response_time_critical,omitempty"`
	SLATarget            *float64        `json:"sla_target,omitempty"`
	Options              json.RawMessage `json:"options"`
	Auth                 *authView       `json:"auth,omitempty"`
	// Locations and LocationQuorum are as stored: absent for the built-in location alone
	// and for the default quorum.
	Locations      []string `json:"locations,omitempty"`
	LocationQuorum int      `json:"location_quorum,omitempty"`
}

func newServiceItem(s *store.Service) serviceItem {
	v := newServiceView(s, "") // the API's own rendering: masked headers, auth as {type, configured}
	return serviceItem{Name: v.Name, Description: v.Description, Environment: v.Environment,
		Endpoint: v.Endpoint, CheckType: v.CheckType, CheckIntervalSeconds: v.CheckIntervalSeconds,
		TimeoutSeconds: v.TimeoutSeconds, Paused: v.Paused, Tags: v.Tags,
		DegradedThresholdMS: v.DegradedThresholdMS, SLATarget: v.SLATarget, Options: v.Options, Auth: v.Auth,
		Locations: s.Locations, LocationQuorum: s.LocationQuorum,
		ResponseTimeWarning: v.ResponseTimeWarning, ResponseTimeCritical: v.ResponseTimeCritical}
}

// heartbeatItem is a heartbeat (SPEC §3.14). Its unique key is left out: it is the ping
// credential, and an imported heartbeat gets a fresh one (its ping URL changes).
type heartbeatItem struct {
	Name               string `json:"name"`
	Schedule           string `json:"schedule"`
	Timezone           string `json:"timezone"`
	GracePeriodSeconds int    `json:"grace_period_seconds"`
}

func newHeartbeatItem(hb *store.Heartbeat) heartbeatItem {
	return heartbeatItem{Name: hb.Name, Schedule: hb.Schedule, Timezone: hb.Timezone, GracePeriodSeconds: hb.GracePeriodSeconds}
}

// channelItem is a notification channel (SPEC §3.11) with its secrets masked.
type channelItem struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Config     map[string]any `json:"config"`
	Enabled    bool           `json:"enabled"`
	Severities []string       `json:"severities"`
}

func newChannelItem(ch *store.NotificationChannel) channelItem {
	v := newChannelView(ch)
	return channelItem{Name: v.Name, Type: v.Type, Config: v.Config, Enabled: v.Enabled, Severities: v.Severities}
}

// maintenanceItem is a maintenance window (SPEC §3.13); services names the covered
// services (empty: all of them). Ending a window early is an operation, not configuration,
// and is not exported.
type maintenanceItem struct {
	Name              string          `json:"name"`
	Description       string          `json:"description"`
	Services          []string        `json:"services"`
	StartsAt          time.Time       `json:"starts_at"`
	EndsAt            *time.Time      `json:"ends_at"`
	Recurrence        *recurrenceBody `json:"recurrence"`
	Timezone          string          `json:"timezone"`
	SuppressAlerts    bool            `json:"suppress_alerts"`
	ShowOnStatusPages bool            `json:"show_on_status_pages"`
}

// newMaintenanceItem renders w; serviceName maps a service ID to its name.
func newMaintenanceItem(w *store.MaintenanceWindow, serviceName nameFunc) maintenanceItem {
	names := make([]string, 0, len(w.ServiceIDs))
	for _, id := range w.ServiceIDs {
		names = append(names, serviceName(id))
	}
	v := maintenanceItem{Name: w.Name, Description: w.Description, Services: names, StartsAt: w.StartsAt.UTC(),
		EndsAt: utcPtr(&w.EndsAt), Timezone: w.Timezone, SuppressAlerts: w.SuppressAlerts,
		ShowOnStatusPages: w.ShowOnStatusPages}
	if r := w.Recurrence; r != nil {
		days := r.DaysOfWeek
		if days == nil {
			days = []int{}
		}
		v.Recurrence = &recurrenceBody{Type: r.Type, DaysOfWeek: days, DayOfMonth: r.DayOfMonth,
			Expression: r.Expression, DurationMinutes: r.DurationMinutes, Until: utcPtr(r.Until)}
	}
	return v
}

// webhookItem is a webhook subscription (SPEC §3.15). Webhooks have no name: the URL in
// its display form is what import matches on. The signing secret is never exported.
type webhookItem struct {
	URL     string   `json:"url"`
	Events  []string `json:"events"`
	Enabled bool     `json:"enabled"`
}

func newWebhookItem(w *store.Webhook) webhookItem {
	return webhookItem{URL: w.DisplayURL, Events: slices.Clone(w.Events), Enabled: w.Enabled}
}
