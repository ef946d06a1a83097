package alerting

import (
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// HeartbeatDeadline returns hb's next due time strictly after after, from its stored
// schedule and time zone (a store.DeadlineFunc). It parses both on every call; the ping
// recorder uses a DeadlineCache instead.
func HeartbeatDeadline(hb *store.Heartbeat, after time.Time) (time.Time, error) {
	s, err := heartbeatSchedule(hb.Schedule, hb.Timezone)
	if err != nil {
		return time.Time{}, err
	}
	return s.Next(after).UTC(), nil
}

// heartbeatSchedule parses a stored schedule in the named zone ("" = UTC).
func heartbeatSchedule(schedule, tz string) (Schedule, error) {
	loc := time.UTC
	if tz != "" && tz != "UTC" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return nil, &ScheduleError{"timezone", "unknown time zone " + tz}
		}
		loc = l
	}
	return ParseSchedule(schedule, loc)
}

// maxCachedSchedules bounds a DeadlineCache; past it the cache starts afresh (heartbeats
// share few distinct schedules, so this is a safety net, not an eviction policy).
const maxCachedSchedules = 10_000

// DeadlineCache is HeartbeatDeadline with parsed schedules kept by (schedule, time zone):
// the hot ping path then neither re-parses cron expressions nor re-reads zoneinfo files
// (time.LoadLocation does). Safe for concurrent use; the zero value is not, use
// NewDeadlineCache.
type DeadlineCache struct {
	mu sync.Mutex
	m  map[scheduleKey]Schedule
}

type scheduleKey struct{ schedule, tz string }

// NewDeadlineCache returns an empty cache.
func NewDeadlineCache() *DeadlineCache {
	return &DeadlineCache{m: make(map[scheduleKey]Schedule)}
}

// Deadline is the cached store.DeadlineFunc.
func (c *DeadlineCache) Deadline(hb *store.Heartbeat, after time.Time) (time.Time, error) {
	k := scheduleKey{hb.Schedule, hb.Timezone}
	c.mu.Lock()
	s, ok := c.m[k]
	c.mu.Unlock()
	if !ok {
		var err error
		if s, err = heartbeatSchedule(k.schedule, k.tz); err != nil {
			return time.Time{}, err
		}
		c.mu.Lock()
		if len(c.m) >= maxCachedSchedules {
			clear(c.m)
		}
		c.m[k] = s
		c.mu.Unlock()
	}
	return s.Next(after).UTC(), nil
}
