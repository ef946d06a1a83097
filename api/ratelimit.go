package api

import (
	"hash/maphash"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// rateLimit is one caller's allowance: a token bucket refilled at perMinute
// per minute holding at most burst requests, plus an optional quota per UTC
// day (0 = none).
type rateLimit struct {
	perMinute int
	burst     int
	perDay    int
	unlimited bool
}

// sessionRateLimit is the per-user allowance of JWT sessions (the UI): high
// enough that the UI never meets it, it only stops a runaway script. It does
// not depend on the plan: a user may act in several organizations.
var sessionRateLimit = rateLimit{perMinute: 600, burst: 600}

const (
	// rateShards spreads callers over independent locks so parallel requests
	// of different callers rarely wait for each other.
	rateShards = 32
	// rateIdleTTL is how long an untouched entry is kept. After a day idle
	// its bucket is full and its UTC day is over, so dropping it forgets
	// nothing.
	rateIdleTTL = 24 * time.Hour
	// ratePruneEvery spaces the scans for idle entries of one shard.
	ratePruneEvery = 10 * time.Minute
	// rateDay is the length of the daily quota's window (a UTC day).
	rateDay = 24 * time.Hour
)

// rateLimiter applies the per-caller limits of SPEC §2.4 in memory. It has
// no goroutine: idle entries are pruned by the requests themselves, under
// the shard's lock, so nothing needs stopping.
type rateLimiter struct {
	now    func() time.Time
	seed   maphash.Seed
	shards [rateShards]rateShard
}

// rateKey names a limited caller: an API key ('k'), a user's sessions ('u'),
// a heartbeat's ping key ('h'), a client bucket's subscriptions ('s') or
// unknown ping keys ('g'); 'p' marks a heartbeat a client bucket pings.
type rateKey struct {
	kind byte
	id   string
}

type rateShard struct {
	mu        sync.Mutex
	entries   map[rateKey]*rateEntry
	nextPrune time.Time
}

// rateEntry is one caller's state. The token bucket is kept in its GCRA form:
// full is the instant the bucket will be full again, so at time t it holds
// burst - (full-t)/interval tokens. Integer time arithmetic keeps it exact.
type rateEntry struct {
	full     time.Time
	interval time.Duration // time per token when full was computed
	day      int64         // UTC day number the counter belongs to
	used     int           // requests allowed during that day
	seen     time.Time
}

// rateDecision is the outcome of one request against its limits; the
// header fields describe the limit closest to exhaustion.
type rateDecision struct {
	allowed   bool
	retryAt   time.Time
	limit     int
	remaining int
	reset     time.Time
	window    time.Duration
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	l := &rateLimiter{now: now, seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].entries = make(map[rateKey]*rateEntry)
	}
	return l
}

// perCaller limits the authenticated caller: API keys by their
// organization's plan, JWT sessions per user. It runs after authenticate and
// sets the X-RateLimit-* headers before the handler writes the answer.
func (l *rateLimiter) perCaller() gin.HandlerFunc {
	return func(c *gin.Context) {
		key, lim := limitOf(actorOf(c))
		if lim.unlimited {
			c.Next()
			return
		}
		now := l.now()
		d := l.take(key, lim, now)
		// Keys assigned directly, spelled as SPEC §2.4 writes them: Header.Set
		// would canonicalize them to X-Ratelimit-* (and allocate). Go's
		// server writes map keys as they are; clients match case-insensitively.
		hdr := c.Writer.Header()
		hdr["X-RateLimit-Limit"] = []string{strconv.Itoa(d.limit)}
		hdr["X-RateLimit-Remaining"] = []string{strconv.Itoa(d.remaining)}
		hdr["X-RateLimit-Reset"] = []string{strconv.FormatInt(d.reset.Unix(), 10)}
		hdr["X-RateLimit-Window"] = []string{strconv.Itoa(int(d.window / time.Second))}
		if !d.allowed {
			writeError(c, errRateLimited(now, d.retryAt))
			return
		}
		c.Next()
	}
}

// limitOf picks the caller's key and allowance.
func limitOf(a *actor) (rateKey, rateLimit) {
	if a.apiKey == nil {
		return rateKey{kind: 'u', id: a.user.ID}, sessionRateLimit
	}
	// API keys: per key, by the organization's plan (the one plan table,
	// plans.go; an unknown plan gets the free allowance, the strictest).
	pl := limitsOf(strings.ToLower(a.org.PlanType))
	if pl.APIKeyPerMinute < 0 {
		return rateKey{kind: 'k', id: a.apiKey.ID}, rateLimit{unlimited: true}
	}
	return rateKey{kind: 'k', id: a.apiKey.ID}, rateLimit{perMinute: pl.APIKeyPerMinute, burst: pl.APIKeyBurst, perDay: pl.APIKeyPerDay}
}

// take counts one request of key at now. A refused request consumes
// nothing, so a client that backs off recovers on schedule.
func (l *rateLimiter) take(key rateKey, lim rateLimit, now time.Time) rateDecision {
	return l.decide(key, lim, now, true)
}

// peek is what take would answer for a request of key at now, without
// counting it or changing anything.
func (l *rateLimiter) peek(key rateKey, lim rateLimit, now time.Time) rateDecision {
	return l.decide(key, lim, now, false)
}

// decide is take (count is true) or peek (count is false, and the entry is
// judged on a copy).
func (l *rateLimiter) decide(key rateKey, lim rateLimit, now time.Time, count bool) rateDecision {
	s := &l.shards[maphash.String(l.seed, key.id)%rateShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if !now.Before(s.nextPrune) {
		s.prune(now)
	}
	e := s.entries[key]
	switch {
	case e == nil:
		e = &rateEntry{full: now}
		if count {
			s.entries[key] = e
		}
	case !count:
		cp := *e
		e = &cp
	}
	e.seen = now

	interval := time.Minute / time.Duration(lim.perMinute)
	capacity := interval * time.Duration(lim.burst)
	full := e.full
	if full.Before(now) {
		full = now
	}
	if e.interval != interval && e.interval != 0 {
		// The plan changed: carry the tokens spent over, not the time they
		// take to refill, which differs from plan to plan.
		spent := float64(full.Sub(now)) / float64(e.interval)
		full = now.Add(time.Duration(spent * float64(interval)))
	}
	// Stored even if this request is refused, so full and interval always
	// agree about units.
	e.full, e.interval = full, interval
	minuteOK := full.Add(interval).Sub(now) <= capacity

	today := now.UTC().Unix() / int64(rateDay/time.Second)
	if e.day != today {
		e.day, e.used = today, 0
	}
	dayOK := lim.perDay == 0 || e.used < lim.perDay

	d := rateDecision{allowed: minuteOK && dayOK}
	if d.allowed {
		full = full.Add(interval)
		e.full = full
		e.used++
	}

	// The minute window: the plan's per-minute figure (SPEC §12: the burst
	// is internal), the bucket's whole tokens capped at that figure so
	// Remaining never exceeds Limit, and when the bucket is full again.
	d.limit, d.window = lim.perMinute, time.Minute
	// Never negative, even while a plan downgrade drains an overfull bucket.
	d.remaining = min(lim.perMinute, max(0, int((capacity-full.Sub(now))/interval)))
	d.reset = ceilSecond(full)
	if !minuteOK {
		// One token is back when the bucket is one interval below full.
		d.retryAt = full.Add(interval - capacity)
	}
	if lim.perDay > 0 {
		nextDay := time.Unix((today+1)*int64(rateDay/time.Second), 0).UTC()
		left := lim.perDay - e.used
		// Show whichever limit runs out first; at a tie, the one that
		// recovers later, since that is the one the client waits for.
		if left < d.remaining || (left == d.remaining && nextDay.After(d.reset)) {
			d.limit, d.remaining, d.reset, d.window = lim.perDay, left, nextDay, rateDay
		}
		if !dayOK && nextDay.After(d.retryAt) {
			d.retryAt = nextDay
		}
	}
	d.retryAt = ceilSecond(d.retryAt)
	return d
}

// mark records that key was seen at now, with no allowance attached: a
// fact the limiter remembers for rateIdleTTL after its last mark (pruned
// like any entry), such as "this client pings this heartbeat".
func (l *rateLimiter) mark(key rateKey, now time.Time) {
	s := &l.shards[maphash.String(l.seed, key.id)%rateShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.entries[key]; e != nil {
		e.seen = now
		return
	}
	s.entries[key] = &rateEntry{full: now, seen: now}
}

// marked reports whether key was marked (or counted) within rateIdleTTL.
func (l *rateLimiter) marked(key rateKey, now time.Time) bool {
	s := &l.shards[maphash.String(l.seed, key.id)%rateShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[key]
	return e != nil && now.Sub(e.seen) <= rateIdleTTL
}

// prune drops entries idle for longer than rateIdleTTL; the caller holds
// the lock. It runs at most once per ratePruneEvery per shard, so its scan
// costs little per request while memory stays bounded by the callers of
// the last day.
func (s *rateShard) prune(now time.Time) {
	for k, e := range s.entries {
		if now.Sub(e.seen) > rateIdleTTL {
			delete(s.entries, k)
		}
	}
	s.nextPrune = now.Add(ratePruneEvery)
}

// ceilSecond rounds up to a whole second: headers and retry_after carry
// seconds, and rounding down would send the client back too early.
func ceilSecond(t time.Time) time.Time {
	if r := t.Truncate(time.Second); !r.Equal(t) {
		return r.Add(time.Second)
	}
	return t
}
