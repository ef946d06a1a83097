package api

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// serviceRequest is the body of POST, PUT and PATCH /services. Pointer and raw fields tell
// "absent" from "given": POST and PUT fill absent fields with defaults, PATCH keeps them.
// auth and sla_target are raw so that an explicit null (remove) differs from absence.
type serviceRequest struct {
	OrganizationID       string          `json:"organization_id"`
	Name                 *string         `json:"name"`
	Description          *string         `json:"description"`
	Environment          *string         `json:"environment"`
	Endpoint             *string         `json:"endpoint"`
	CheckType            *string         `json:"check_type"`
	CheckIntervalSeconds *int            `json:"check_interval_seconds"`
	TimeoutSeconds       *int            `json:"timeout_seconds"`
	Paused               *bool           `json:"paused"`
	Tags                 *[]string       `json:"tags"`
	DegradedThresholdMS  *int            `json:"degraded_threshold_ms"`
	ResponseTimeWarning  json.RawMessage `json:"response_time_warning"`
	ResponseTimeCritical json.RawMessage `json:"response_time_critical"`
	SLATarget            json.RawMessage `json:"sla_target"`
	Options              json.RawMessage `json:"options"`
	Auth                 json.RawMessage `json:"auth"`
	Locations            *[]string       `json:"locations"`
	LocationQuorum       *int            `json:"location_quorum"`

	// The documentation's names of options, accepted at the top of the body
	// (service_option_aliases.go).
	AssertStatus       json.RawMessage `json:"assert_status"`
	AssertBodyContains json.RawMessage `json:"assert_body_contains"`
	AssertJSONPath     json.RawMessage `json:"assert_jsonpath"`
	ExpiryWarningDays  json.RawMessage `json:"expiryWarningDays"`
	// Assert is the documentation's assert object at the top of the body (the
	// connection_time_ms assertion), stored as options.assert.
	Assert json.RawMessage `json:"assert"`

	// Read-only fields of the service object, accepted and ignored so that a client can
	// send back the object it read (with auth as {type, configured} and masked headers).
	ID                 json.RawMessage `json:"id"`
	Status             json.RawMessage `json:"status"`
	LastCheckedAt      json.RawMessage `json:"last_checked_at"`
	LastResponseTimeMS json.RawMessage `json:"last_response_time_ms"`
	LastStatusCode     json.RawMessage `json:"last_status_code"`
	LastError          json.RawMessage `json:"last_error"`
	LastTimings        json.RawMessage `json:"last_timings"`
	LocationStatus     json.RawMessage `json:"location_status"`
	CreatedAt          json.RawMessage `json:"created_at"`
	UpdatedAt          json.RawMessage `json:"updated_at"`
}

// isNull reports whether a raw field was given as JSON null.
func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// intField returns the request value, or def when the field is absent.
func intField(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// normalizeTags trims and de-duplicates tags (case-insensitively, keeping the first
// spelling); empty and over-long tags, and more than maxServiceTags, are problems.
func normalizeTags(f fieldErrors, tags []string) []string {
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, tag := range tags {
		tag = strings.TrimSpace(tag)
		key := strings.ToLower(tag)
		switch {
		case tag == "":
			f.add("tags", "must not hold empty tags")
		case utf8.RuneCountInString(tag) > maxServiceTagLen:
			f.add("tags", "each tag must be at most "+strconv.Itoa(maxServiceTagLen)+" characters")
		case strings.IndexFunc(tag, isForbiddenInName) >= 0:
			f.add("tags", "each tag must be one line without control characters")
		case !seen[key]:
			seen[key] = true
			out = append(out, tag)
		}
	}
	if len(out) > maxServiceTags {
		f.add("tags", "must hold at most "+strconv.Itoa(maxServiceTags)+" tags")
	}
	return out
}

// parseSLATarget reads sla_target: absent or null is none, else a percentage in (0, 100].
func parseSLATarget(f fieldErrors, raw json.RawMessage) *float64 {
	if len(raw) == 0 || isNull(raw) {
		return nil
	}
	var v float64
	if err := json.Unmarshal(raw, &v); err != nil || v <= 0 || v > 100 {
		f.add("sla_target", "must be a percentage greater than 0 and at most 100, e.g. 99.9")
		return nil
	}
	return &v
}

// checkSchedule validates the interval and the timeout, which must stay below it so one
// check has ended before the next is due.
func checkSchedule(f fieldErrors, interval, timeout int) {
	if interval < minCheckInterval || interval > maxCheckInterval {
		f.add("check_interval_seconds", "must be a whole number from "+strconv.Itoa(minCheckInterval)+
			" to "+strconv.Itoa(maxCheckInterval))
		if timeout < 1 {
			f.add("timeout_seconds", "must be at least 1")
		}
		return
	}
	if timeout < 1 || timeout >= interval {
		f.add("timeout_seconds", "must be at least 1 and less than check_interval_seconds ("+strconv.Itoa(interval)+")")
	}
}

// defaultTimeout is the timeout of a service created without one: 10 s, or less when the
// interval is so short that 10 s would not fit below it.
func defaultTimeout(interval int) int {
	return max(1, min(defaultCheckTimeout, interval-1))
}
