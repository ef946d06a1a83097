package api

import (
	"encoding/json"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// serviceView is the service object of SPEC §3.6 exactly. Credentials never appear: auth is
// {type, configured: true} or null, and header values are masked.
type serviceView struct {
	ID                   string          `json:"id"`
	OrganizationID       string          `json:"organization_id"`
	Name                 string          `json:"name"`
	Description          string          `json:"description"`
	Environment          string          `json:"environment"`
	Endpoint             string          `json:"endpoint"`
	CheckType            string          `json:"check_type"`
	CheckIntervalSeconds int             `json:"check_interval_seconds"`
	TimeoutSeconds       int             `json:"timeout_seconds"`
	Status               string          `json:"status"`
	Paused               bool            `json:"paused"`
	Tags                 []string        `json:"tags"`
	DegradedThresholdMS  int             `json:"degraded_threshold_ms"`
	ResponseTimeWarning  *int            `json:"response_time_warning"`
	ResponseTimeCritical *int            `json:"response_time_critical"`
	SLATarget            *float64        `json:"sla_target"`
	Options              json.RawMessage `json:"options"`
	Auth                 *authView       `json:"auth"`
	LastCheckedAt        *time.Time      `json:"last_checked_at"`
	LastResponseTimeMS   *int            `json:"last_response_time_ms"`
	LastStatusCode       *int            `json:"last_status_code"`
	LastError            *string         `json:"last_error"`
	LastTimings          *timingsView    `json:"last_timings"`
	// Locations, their quorum and each one's latest status (SPEC §8).
	Locations      []string          `json:"locations"`
	LocationQuorum int               `json:"location_quorum"`
	LocationStatus map[string]string `json:"location_status"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

// authView says which kind of credential is configured, never the credential.
type authView struct {
	Type       string `json:"type"`
	Configured bool   `json:"configured"`
}

// newServiceView renders a stored service; builtin is the built-in location's name.
func newServiceView(s *store.Service, builtin string) serviceView {
	v := serviceView{
		ID: s.ID, OrganizationID: s.OrgID, Name: s.Name, Description: s.Description,
		Environment: s.Environment, Endpoint: s.Endpoint, CheckType: s.CheckType,
		CheckIntervalSeconds: s.CheckIntervalSeconds, TimeoutSeconds: s.TimeoutSeconds,
		Status: s.Status, Paused: s.Paused, Tags: s.Tags, DegradedThresholdMS: s.DegradedThresholdMS,
		SLATarget: s.SLATarget, Options: optionsView(s), LastResponseTimeMS: s.LastResponseTimeMS,
		LastStatusCode: s.LastStatusCode, CreatedAt: s.CreatedAt.UTC(), UpdatedAt: s.UpdatedAt.UTC(),
		Locations: locationsView(s, builtin), LocationQuorum: s.Quorum(), LocationStatus: locationStatusView(s, builtin),
		ResponseTimeWarning: thresholdView(s.ResponseTimeWarningMS), ResponseTimeCritical: thresholdView(s.ResponseTimeCriticalMS),
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	if s.Auth != nil {
		v.Auth = &authView{Type: s.Auth.Type, Configured: true}
	}
	v.LastCheckedAt, v.LastError = utcPtr(s.LastCheckedAt), nullable(s.LastError)
	if s.LastTimings != nil {
		v.LastTimings = newTimingsView(*s.LastTimings)
	}
	return v
}

// timingsView splits a result's response_time_ms into the phases of its connection, in
// milliseconds to the microsecond; a phase the check did not go through is null (no
// lookup for an IP address, no TLS on a plain connection, no first byte for TCP-level
// checks). The check-now answer carries them as timings and the service, for its latest
// result, as last_timings; a raw result in the history does not (it is kept small).
type timingsView struct {
	DNSMS       *float64 `json:"dns_ms"`
	ConnectMS   *float64 `json:"connect_ms"`
	TLSMS       *float64 `json:"tls_ms"`
	FirstByteMS *float64 `json:"first_byte_ms"`
}

func newTimingsView(t store.Timings) *timingsView {
	return &timingsView{DNSMS: phaseMS(t.DNS), ConnectMS: phaseMS(t.Connect), TLSMS: phaseMS(t.TLS),
		FirstByteMS: phaseMS(t.FirstByte)}
}

// phaseMS is d in milliseconds rounded to the microsecond; nil for a phase not gone
// through (zero).
func phaseMS(d time.Duration) *float64 {
	if d <= 0 {
		return nil
	}
	ms := float64(d.Round(time.Microsecond)) / float64(time.Millisecond)
	return &ms
}

// optionsView returns the options as clients see them. They are stored in that form (header
// values masked, see optionReader.headers), so this is the hot path's no-op.
func optionsView(s *store.Service) json.RawMessage {
	if len(s.Options) == 0 {
		return json.RawMessage("{}")
	}
	return s.Options
}
