package alerting

import (
	"slices"
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// LocationBoard is what the alert state machine knows of the probe locations' agents
// (SPEC §8): the agent hub tells it how many agents of each location are connected, and a
// location with none for Grace is offline — left out of every quorum, and its
// location.offline alert raised (LocationWatch). The built-in location is never offline.
// It lives in memory: after a restart an agent location counts as offline until one of
// its agents connects (after Grace), as its agents have not been heard from either.
//
// Build it before the store (the state machine reads it inside the store's transactions)
// and hand it to the hub; it is safe for concurrent use.
type LocationBoard struct {
	// Grace is how long a location may have no agent connected before it is offline: a
	// restarting agent does not flap it. 0 is 10 s — with the hub's 20 s for a silent
	// agent, a location is offline at most 30 s after its last message (SPEC §8).
	Grace time.Duration
	// Builtin is the built-in location's name (LOCATION_NAME).
	Builtin string
	// Now is the clock; nil is time.Now.
	Now func() time.Time

	once    sync.Once
	mu      sync.Mutex
	started time.Time
	locs    map[string]*boardEntry // by boardKey
}

// boardEntry is one agent location as the board knows it.
type boardEntry struct {
	loc       store.Location
	connected int
	since     time.Time // when connected last changed between zero and non-zero
	deleted   bool      // Forget: kept until LocationWatch has resolved its alerts
}

// DefaultLocationGrace is LocationBoard.Grace's default.
const DefaultLocationGrace = 10 * time.Second

func (b *LocationBoard) init() {
	b.once.Do(func() {
		if b.Grace <= 0 {
			b.Grace = DefaultLocationGrace
		}
		if b.Now == nil {
			b.Now = time.Now
		}
		b.started = b.Now()
		b.locs = map[string]*boardEntry{}
	})
}

// boardKey names a location uniquely: organization locations' names are unique within
// their organization, instance locations' across the instance.
func boardKey(orgID, name string) string { return orgID + "/" + name }

// Present records that loc has connected agents now (the hub calls it whenever the number
// changes).
func (b *LocationBoard) Present(loc store.Location, connected int) {
	b.init()
	b.mu.Lock()
	defer b.mu.Unlock()
	k := boardKey(loc.OrgID, loc.Name)
	e := b.locs[k]
	if e == nil {
		e = &boardEntry{since: b.Now()}
		b.locs[k] = e
	}
	if (e.connected > 0) != (connected > 0) {
		e.since = b.Now()
	}
	e.loc, e.connected, e.deleted = loc, connected, false // a location of that name (again)
}

// Forget marks a location deleted: it is no longer offline, LocationWatch resolves its
// open alerts and then drops it (drop).
func (b *LocationBoard) Forget(loc store.Location) {
	b.init()
	b.mu.Lock()
	defer b.mu.Unlock()
	k := boardKey(loc.OrgID, loc.Name)
	if e := b.locs[k]; e != nil {
		e.deleted = true
	}
}

// drop removes a deleted location's entry.
func (b *LocationBoard) drop(key string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.locs[key]; e != nil && e.deleted {
		delete(b.locs, key)
	}
}

// key is the board key of location name as organization orgID sees it: its own location
// of that name if it has one, else the instance's.
func (b *LocationBoard) key(orgID, name string) string {
	if _, own := b.locs[boardKey(orgID, name)]; own {
		return boardKey(orgID, name)
	}
	return boardKey("", name)
}

// Key is the board key of location name as organization orgID sees it.
func (b *LocationBoard) Key(orgID, name string) string {
	b.init()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.key(orgID, name)
}

// Offline reports whether location name, as organization orgID sees it, has had no agent
// connected for Grace (one never connected since the server started counts from then).
// A nil board knows of no offline location.
func (b *LocationBoard) Offline(orgID, name string) bool {
	if b == nil || name == b.Builtin || name == "" {
		return false
	}
	b.init()
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.Now()
	e := b.locs[b.key(orgID, name)]
	if e == nil || e.deleted {
		return now.Sub(b.started) >= b.Grace
	}
	return e.connected == 0 && now.Sub(e.since) >= b.Grace
}

// locationHealth is one agent location's state for LocationWatch.
type locationHealth struct {
	loc     store.Location
	key     string
	offline bool
	deleted bool
}

// snapshot lists the agent locations the board has heard of, in key order.
func (b *LocationBoard) snapshot() []locationHealth {
	b.init()
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.Now()
	out := make([]locationHealth, 0, len(b.locs))
	for k, e := range b.locs {
		out = append(out, locationHealth{loc: e.loc, key: k, deleted: e.deleted,
			offline: !e.deleted && e.connected == 0 && now.Sub(e.since) >= b.Grace})
	}
	slices.SortFunc(out, func(a, b locationHealth) int { return cmpStrings(a.key, b.key) })
	return out
}

func cmpStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
