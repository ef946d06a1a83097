package api

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// Heartbeat request limits and defaults (SPEC §3.14).
const (
	defaultHeartbeatSchedule = "every 1h"
	defaultHeartbeatGrace    = 300
	maxHeartbeatGrace        = 7 * 24 * 60 * 60
	maxTimezoneLen           = 64
	heartbeatKeySlugLen      = 40 // of the name, before "-<16 hex>"
)

// heartbeatRequest is the body of POST and PUT. On PUT absent fields keep their value.
type heartbeatRequest struct {
	Name               *string `json:"name"`
	Schedule           *string `json:"schedule"`
	Timezone           *string `json:"timezone"`
	GracePeriodSeconds *int    `json:"grace_period_seconds"`
}

// apply validates the request against hb (a zero heartbeat on POST) and writes the result
// into it, the schedule in canonical form. defaultTZ is the organization's time zone. It
// reports whether the schedule or time zone changed, which restarts the deadline. Every
// problem is reported in one 422.
func (r *heartbeatRequest) apply(hb *store.Heartbeat, create bool, defaultTZ string) (timing bool, err error) {
	f := fieldErrors{}
	if r.Name != nil || create {
		hb.Name = f.name("name", deref(r.Name), true, maxNameLen)
	}
	tz, schedule := hb.Timezone, hb.Schedule
	switch {
	case r.Timezone != nil && strings.TrimSpace(*r.Timezone) != "":
		tz = strings.TrimSpace(*r.Timezone)
	case create || r.Timezone != nil:
		tz = defaultTZ
	}
	if tz == "" {
		tz = "UTC"
	}
	loc, lerr := time.LoadLocation(tz)
	if lerr != nil || len(tz) > maxTimezoneLen {
		f.add("timezone", "must be an IANA time zone name such as Europe/Berlin")
		loc = time.UTC
	}
	switch {
	case r.Schedule != nil:
		schedule = *r.Schedule
	case create:
		schedule = defaultHeartbeatSchedule
	}
	if s, perr := alerting.ParseSchedule(schedule, loc); perr != nil {
		var se *alerting.ScheduleError
		msg := perr.Error()
		if errors.As(perr, &se) && se.Field == "schedule" {
			msg = se.Msg
		}
		f.add("schedule", msg)
	} else {
		schedule = s.String()
	}
	if create {
		hb.GracePeriodSeconds = defaultHeartbeatGrace
	}
	if g := r.GracePeriodSeconds; g != nil {
		if *g < 0 || *g > maxHeartbeatGrace {
			f.add("grace_period_seconds", "must be from 0 to 604800 (7 days)")
		}
		hb.GracePeriodSeconds = *g
	}
	if err := f.err(); err != nil {
		return false, err
	}
	timing = schedule != hb.Schedule || tz != hb.Timezone
	hb.Schedule, hb.Timezone = schedule, tz
	return timing, nil
}

// update applies the request to a stored heartbeat (inside its update transaction); a new
// schedule or zone restarts the deadline from now, except for a paused or down heartbeat,
// which keeps waiting for resume or a ping. Import updates heartbeats through it too.
func (r *heartbeatRequest) update(hb *store.Heartbeat, defaultTZ string, now time.Time) error {
	timing, err := r.apply(hb, false, defaultTZ)
	if err != nil || !timing || hb.Status == store.HeartbeatPaused || hb.Status == store.HeartbeatDown {
		return err
	}
	return restartDeadline(hb, now)
}

// newHeartbeatKey returns "<name-slug>-<16 hex>" with 64 random bits (SPEC §3.14): the key
// is the only credential of the public ping path. Keys made earlier with 8 hex digits are
// looked up the same way and keep working. The store's key index refuses a collision and
// the caller draws again.
func newHeartbeatKey(name string) (string, error) {
	slug := "heartbeat" // for names without ASCII letters or digits (slugify would say "org")
	if strings.ContainsFunc(strings.ToLower(name), func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }) {
		slug = slugify(name)
	}
	if len(slug) > heartbeatKeySlugLen {
		slug = strings.TrimRight(slug[:heartbeatKeySlugLen], "-")
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return slug + "-" + hex.EncodeToString(b[:]), nil
}

// restartDeadline sets hb's next deadline from now (create, resume, a schedule change)
// and clears late: the new schedule gets a full period.
func restartDeadline(hb *store.Heartbeat, now time.Time) error {
	next, err := alerting.HeartbeatDeadline(hb, now)
	if err != nil {
		return err
	}
	hb.NextExpectedAt = &next
	if hb.Status == store.HeartbeatLate || hb.Status == store.HeartbeatNew || hb.Status == "" {
		hb.Status = store.HeartbeatHealthy
	}
	return nil
}
