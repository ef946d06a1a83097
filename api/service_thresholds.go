package api

import (
	"encoding/json"
	"strconv"

	"github.com/alertifypro/alertifypro/store"
)

// Response-time thresholds of a service (README "Response-time thresholds and connection
// time"): response_time_warning and response_time_critical, whole milliseconds, each
// optional. A passing check slower than the warning one is YELLOW (it replaces
// degraded_threshold_ms, which stays the fallback while no warning is set), slower than
// the critical one RED; the default alert rule takes its severity from them. Every check
// type has them: each one's response time is the time its check took.

// thresholdProblem says what a threshold must be.
const thresholdProblem = "must be a whole number of milliseconds greater than 0, or null for none"

// applyResponseThresholds reads the thresholds of req into s: a value sets one, null
// removes it, absence removes it on POST and PUT (like every optional field) and keeps it
// on PATCH. Then, whichever field changed, the pair must still make sense: warning below
// critical, and both below the timeout — a check is cut off at its timeout, so a
// threshold at or above it could never be crossed by a passing check.
func applyResponseThresholds(f fieldErrors, req *serviceRequest, s *store.Service, full bool) {
	s.ResponseTimeWarningMS = threshold(f, "response_time_warning", req.ResponseTimeWarning, s.ResponseTimeWarningMS, full)
	s.ResponseTimeCriticalMS = threshold(f, "response_time_critical", req.ResponseTimeCritical, s.ResponseTimeCriticalMS, full)
	if _, bad := f["response_time_warning"]; bad {
		return
	}
	if _, bad := f["response_time_critical"]; bad {
		return
	}
	warn, crit := s.ResponseTimeWarningMS, s.ResponseTimeCriticalMS
	if warn > 0 && crit > 0 && warn >= crit {
		f.add("response_time_warning", "must be less than response_time_critical ("+strconv.Itoa(crit)+" ms)")
	}
	if _, bad := f["timeout_seconds"]; bad {
		return // the timeout's own problem comes first
	}
	timeoutMS := s.TimeoutSeconds * 1000
	for field, v := range map[string]int{"response_time_warning": warn, "response_time_critical": crit} {
		if v >= timeoutMS {
			f.add(field, "must be less than the timeout ("+strconv.Itoa(timeoutMS)+" ms: timeout_seconds "+
				strconv.Itoa(s.TimeoutSeconds)+")")
		}
	}
}

// threshold reads one threshold field: its new value, or keep when the field is absent
// from a PATCH.
func threshold(f fieldErrors, field string, raw json.RawMessage, keep int, full bool) int {
	switch {
	case len(raw) == 0 && !full:
		return keep
	case len(raw) == 0 || isNull(raw):
		return 0
	}
	var n int
	if err := json.Unmarshal(raw, &n); err != nil || n < 1 {
		f.add(field, thresholdProblem)
		return 0
	}
	return n
}

// thresholdView is a threshold as the API shows it: null when unset.
func thresholdView(ms int) *int {
	if ms <= 0 {
		return nil
	}
	return &ms
}
