package api

import (
	"sync"
	"time"
)

// Limits of the login guard (SPEC §2.4: per client IP and per account, never
// one global bucket, so one attacker cannot lock everyone out).
const (
	loginAttemptLimit = 10               // failed logins per IP, and per account...
	loginWindow       = 15 * time.Minute // ...in this fixed window
	registerLimit     = 10               // registration attempts per IP...
	registerWindow    = time.Hour        // ...in this fixed window
	// Invitation previews per IP: a landing page asks once per visit, so this is generous
	// for people and still stops a client walking the token space through the store.
	invitationPreviewLimit  = 30
	invitationPreviewWindow = 15 * time.Minute
	guardMaxKeys            = 50_000 // tracked keys per counter set (memory bound)
	guardPruneInterval      = 1024   // operations between sweeps of expired windows
)

// loginGuard limits failed logins per client IP and per account (lower-cased
// e-mail), and registration attempts per IP. It is consulted before bcrypt
// runs, so a flood of guesses costs almost nothing once a limit is reached.
//
// A login attempt reserves a slot in both counters up front (begin), which
// closes the race where many concurrent guesses all pass the check before
// any failure is recorded. A success gives the IP slot back and clears the
// account counter; a failure keeps both.
//
// Memory stays bounded: expired windows are swept every guardPruneInterval
// operations, and a full counter set evicts an entry before adding one. No
// goroutine is involved, so nothing has to be stopped.
type loginGuard struct {
	now func() time.Time

	mu            sync.Mutex
	ops           int
	byIP          *fixedWindows
	byAccount     *fixedWindows
	registrations *fixedWindows
	previews      *fixedWindows
}

func newLoginGuard(now func() time.Time) *loginGuard {
	return &loginGuard{
		now:           now,
		byIP:          newFixedWindows(loginAttemptLimit, loginWindow, guardMaxKeys),
		byAccount:     newFixedWindows(loginAttemptLimit, loginWindow, guardMaxKeys),
		registrations: newFixedWindows(registerLimit, registerWindow, guardMaxKeys),
		previews:      newFixedWindows(invitationPreviewLimit, invitationPreviewWindow, guardMaxKeys),
	}
}

// beginLogin reserves one attempt for ip and account, or returns the 429
// error when either has used up its window. The decision describes the
// tighter of the two windows, for the X-RateLimit-* headers.
func (g *loginGuard) beginLogin(ip, account string) (rateDecision, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.tick()
	ipUntil, ipBlocked := g.byIP.blockedUntil(ip, now)
	acctUntil, acctBlocked := g.byAccount.blockedUntil(account, now)
	if ipBlocked || acctBlocked {
		d := tighter(g.byIP.decision(ip, now), g.byAccount.decision(account, now))
		switch {
		case ipBlocked && acctBlocked:
			return d, errRateLimited(now, later(ipUntil, acctUntil))
		case ipBlocked:
			return d, errRateLimited(now, ipUntil)
		}
		return d, errRateLimited(now, acctUntil)
	}
	g.byIP.hit(ip, now)
	g.byAccount.hit(account, now)
	return tighter(g.byIP.decision(ip, now), g.byAccount.decision(account, now)), nil
}

// loginSucceeded gives back the IP's reserved attempt (a shared office IP
// must not lock itself out by logging in) and clears the account's failures.
// The decision is the IP's window after the refund.
func (g *loginGuard) loginSucceeded(ip, account string) rateDecision {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.tick()
	g.byIP.refund(ip, now)
	g.byAccount.reset(account)
	return g.byIP.decision(ip, now)
}

// beginRegistration counts one registration attempt for ip, or returns the
// 429 error when the IP has used up its window. Every attempt counts, as a
// registration always costs a bcrypt hash.
func (g *loginGuard) beginRegistration(ip string) (rateDecision, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.tick()
	if until, blocked := g.registrations.blockedUntil(ip, now); blocked {
		return g.registrations.decision(ip, now), errRateLimited(now, until)
	}
	g.registrations.hit(ip, now)
	return g.registrations.decision(ip, now), nil
}

// beginInvitationPreview counts one unauthenticated invitation preview for ip, or returns
// the 429 error when the IP has used up its window. Every attempt counts: a wrong token
// is exactly what a guesser sends.
func (g *loginGuard) beginInvitationPreview(ip string) (rateDecision, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.tick()
	if until, blocked := g.previews.blockedUntil(ip, now); blocked {
		return g.previews.decision(ip, now), errRateLimited(now, until)
	}
	g.previews.hit(ip, now)
	return g.previews.decision(ip, now), nil
}

// tick returns the time and sweeps expired windows every
// guardPruneInterval operations. The caller holds g.mu.
func (g *loginGuard) tick() time.Time {
	now := g.now()
	g.ops++
	if g.ops >= guardPruneInterval {
		g.ops = 0
		g.byIP.prune(now)
		g.byAccount.prune(now)
		g.registrations.prune(now)
		g.previews.prune(now)
	}
	return now
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// window is one key's counter: hits since start.
type window struct {
	start time.Time
	count int
}

// fixedWindows counts hits per key in fixed windows that open at a key's
// first hit and last period. It is not safe for concurrent use; loginGuard
// holds its mutex around every call.
type fixedWindows struct {
	limit   int
	period  time.Duration
	maxKeys int
	entries map[string]window
}

func newFixedWindows(limit int, period time.Duration, maxKeys int) *fixedWindows {
	return &fixedWindows{limit: limit, period: period, maxKeys: maxKeys, entries: make(map[string]window)}
}

// blockedUntil reports whether key has used up its current window, and
// when that window ends.
func (f *fixedWindows) blockedUntil(key string, now time.Time) (time.Time, bool) {
	w, ok := f.entries[key]
	if !ok || !now.Before(w.start.Add(f.period)) {
		return time.Time{}, false
	}
	return w.start.Add(f.period), w.count >= f.limit
}

// hit counts one event for key, opening a new window when none is live.
func (f *fixedWindows) hit(key string, now time.Time) {
	w, ok := f.entries[key]
	if !ok || !now.Before(w.start.Add(f.period)) {
		if !ok {
			f.makeRoom(now)
		}
		w = window{start: now}
	}
	w.count++
	f.entries[key] = w
}

// decision describes key's window for the X-RateLimit-* headers (SPEC §2.4,
// §12): the limit per window, the hits left, when the window ends and its
// length. A key with no live window has its whole allowance now.
func (f *fixedWindows) decision(key string, now time.Time) rateDecision {
	d := rateDecision{allowed: true, limit: f.limit, remaining: f.limit, reset: ceilSecond(now), window: f.period}
	if w, ok := f.entries[key]; ok && now.Before(w.start.Add(f.period)) {
		d.remaining = max(0, f.limit-w.count)
		d.reset = ceilSecond(w.start.Add(f.period))
		d.allowed = w.count < f.limit
	}
	return d
}

// tighter is the decision closer to exhaustion; at a tie the one that
// recovers later, since that is the one the client waits for.
func tighter(a, b rateDecision) rateDecision {
	if b.remaining < a.remaining || (b.remaining == a.remaining && b.reset.After(a.reset)) {
		return b
	}
	return a
}

// refund takes back one hit of key's live window.
func (f *fixedWindows) refund(key string, now time.Time) {
	w, ok := f.entries[key]
	if !ok || !now.Before(w.start.Add(f.period)) {
		return
	}
	if w.count--; w.count <= 0 {
		delete(f.entries, key)
		return
	}
	f.entries[key] = w
}

// reset forgets key.
func (f *fixedWindows) reset(key string) { delete(f.entries, key) }

// prune drops every window that has ended.
func (f *fixedWindows) prune(now time.Time) {
	for k, w := range f.entries {
		if !now.Before(w.start.Add(f.period)) {
			delete(f.entries, k)
		}
	}
}

// makeRoom keeps the set under maxKeys before a new key is added: first by
// sweeping ended windows, then by evicting a key that blocks nothing, and
// only when every key is blocked by evicting an arbitrary one.
func (f *fixedWindows) makeRoom(now time.Time) {
	if len(f.entries) < f.maxKeys {
		return
	}
	f.prune(now)
	if len(f.entries) < f.maxKeys {
		return
	}
	victim := ""
	for k, w := range f.entries {
		victim = k
		if w.count < f.limit {
			break
		}
	}
	delete(f.entries, victim)
}
