package agent

import (
	"encoding/json"
	"hash/fnv"
	"slices"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// Which services a location runs: the active services that name it among their locations
// (SPEC §8) — of its own organization for an organization location, of every organization
// for an instance location. A service that names no location is the built-in location's
// (Hub.Builtin), which only a cluster's nodes connect as (Peer.Node).

// round is one location's share-out: a snapshot of its agents taken under the hub's lock.
type round struct {
	ls       *locState
	loc      store.Location
	names    []string            // connected agents, sorted
	sessions map[string]*session // by name
	full     map[string]bool     // agents that get the whole set (new connections)
	owners   map[string]string   // the previous round's owners
}

// reassign shares every location's services among its connected agents and pushes each
// agent what changed for it. Only Run's goroutine calls it, so the sessions' sent maps
// need no lock.
func (h *Hub) reassign() {
	h.mu.Lock()
	var rounds []*round
	for id, ls := range h.locs {
		if len(ls.agents) == 0 {
			ls.owners = map[string]string{} // nobody to hand over from when one comes back
			if len(ls.seen) == 0 {
				delete(h.locs, id) // a deleted location, once its agents are gone
			}
			continue
		}
		r := &round{ls: ls, loc: ls.loc, sessions: map[string]*session{}, full: map[string]bool{}, owners: ls.owners}
		for name, s := range ls.agents {
			r.names = append(r.names, name)
			r.sessions[name] = s
			r.full[name] = s.needFull
		}
		slices.Sort(r.names)
		rounds = append(rounds, r)
	}
	h.mu.Unlock()
	if len(rounds) == 0 {
		return
	}
	h.versions = nil // secrets versions are read afresh each round
	services := make([][]*store.Service, len(rounds))
	err := h.Store.ForEachService(func(svc *store.Service) error {
		if svc.Paused {
			return nil
		}
		for i, r := range rounds {
			if (r.loc.OrgID == "" || r.loc.OrgID == svc.OrgID) && svc.ChecksFrom(r.loc.Name, h.Builtin) {
				services[i] = append(services[i], svc)
			}
		}
		return nil
	})
	if err != nil {
		h.Logger.Error("agent assignments not updated: services unreadable", "error", err)
		return
	}
	now := h.Now()
	for i, r := range rounds {
		h.assignLocation(r, services[i], now)
	}
}

// handoff is a service moving between two connected agents: the new owner starts at start,
// the old one stops at stop (plan.go's handover).
type handoff struct{ start, stop time.Time }

// assignLocation shares one location's services and pushes the changes.
func (h *Hub) assignLocation(r *round, services []*store.Service, now time.Time) {
	owners := make(map[string]string, len(services))
	eligible := make(map[string]string, len(services))
	mine := make(map[string][]*store.Service, len(r.names))
	moves := map[string]handoff{}
	for _, svc := range services {
		name := owner(svc.ID, r.names)
		owners[svc.ID], eligible[svc.ID] = name, svc.OrgID
		mine[name] = append(mine[name], svc)
		prev, ok := r.owners[svc.ID]
		if !ok || prev == name {
			continue
		}
		if old, connected := r.sessions[prev]; connected {
			if _, had := old.sent[svc.ID]; had {
				start, stop := handover(now, intervalOf(svc), monitor.LocationOffset(svc, r.loc.Name, intervalOf(svc)))
				moves[svc.ID] = handoff{start, stop}
			}
		}
	}
	for _, name := range r.names {
		h.push(r.sessions[name], mine[name], r.full[name], moves, now)
	}
	h.mu.Lock()
	r.ls.owners, r.ls.eligible = owners, eligible
	for name := range r.full {
		if s := r.ls.agents[name]; s == r.sessions[name] {
			s.needFull = false
		}
	}
	h.mu.Unlock()
}

// push sends s what changed between what it has and services, its share: everything when
// full (a new connection), else upserts of new or changed services and removals.
func (h *Hub) push(s *session, services []*store.Service, full bool, moves map[string]handoff, now time.Time) {
	want := make(map[string]uint64, len(services))
	var upsert []Assignment
	for _, svc := range services {
		fp := s.fingerprint(svc, h.secretsVersion(svc))
		want[svc.ID] = fp
		sent, had := s.sent[svc.ID]
		if !full && had && sent == fp {
			continue
		}
		var start *time.Time
		if m, moving := moves[svc.ID]; moving && !had {
			start = &m.start
		}
		upsert = append(upsert, h.assignment(s, svc, start))
	}
	var remove []Removal
	intervals := map[string]time.Duration{}
	for _, svc := range services {
		intervals[svc.ID] = intervalOf(svc) + time.Duration(svc.TimeoutSeconds)*time.Second
	}
	s.mu.Lock()
	for id := range s.sent {
		if _, keep := want[id]; keep {
			continue
		}
		rm := Removal{ServiceID: id}
		until := now
		if m, moving := moves[id]; moving {
			rm.StopAt = &m.stop
			until = m.stop
		}
		// Results of checks made before the removal arrives may still come.
		s.released[id] = until.Add(10*time.Minute + intervals[id])
		delete(s.allowed, id)
		remove = append(remove, rm)
	}
	if full {
		for id := range s.allowed {
			if _, keep := want[id]; !keep {
				s.released[id] = now.Add(10 * time.Minute)
			}
		}
		clear(s.allowed)
	}
	for id := range want {
		s.allowed[id] = true
		delete(s.released, id)
	}
	for id, until := range s.released {
		if now.After(until) {
			delete(s.released, id)
		}
	}
	s.mu.Unlock()
	s.sent = want
	if full {
		remove = nil // a full set replaces whatever the agent had
	}
	for _, m := range chunkAssign(full, upsert, remove) {
		s.send(&message{Type: typeAssign, Assign: m})
	}
	if full {
		select {
		case <-s.assigned:
		default:
			close(s.assigned)
		}
	}
}

// chunkAssign cuts a change into assign messages of at most assignChunk entries. A full
// set is always at least one message (the agent must hear that it has nothing to do).
func chunkAssign(full bool, upsert []Assignment, remove []Removal) []*Assign {
	var out []*Assign
	for len(upsert) > 0 || full && len(out) == 0 {
		n := min(len(upsert), assignChunk)
		out = append(out, &Assign{Full: full, Upsert: upsert[:n]})
		upsert = upsert[n:]
	}
	for len(remove) > 0 {
		n := min(len(remove), assignChunk)
		out = append(out, &Assign{Remove: remove[:n]})
		remove = remove[n:]
	}
	if full {
		out[len(out)-1].Final = true
	}
	return out
}

// intervalOf is a service's check interval (a minute if it has none).
func intervalOf(svc *store.Service) time.Duration {
	if svc.CheckIntervalSeconds <= 0 {
		return time.Minute
	}
	return time.Duration(svc.CheckIntervalSeconds) * time.Second
}

// assignment is svc as s receives it, its credentials opened when the connection may
// carry them.
func (h *Hub) assignment(s *session, svc *store.Service, start *time.Time) Assignment {
	interval := intervalOf(svc)
	a := Assignment{ServiceID: svc.ID, OrgID: svc.OrgID, Type: svc.CheckType, Endpoint: svc.Endpoint,
		Options: svc.Options, IntervalSeconds: int(interval / time.Second), TimeoutSeconds: svc.TimeoutSeconds,
		DegradedThresholdMS: svc.DegradedThresholdMS, OffsetMS: monitor.LocationOffset(svc, s.peer.Location.Name, interval).Milliseconds(), StartAt: start}
	if svc.Auth == nil && len(svc.SealedHeaders) == 0 && !refersToSecrets(svc) {
		return a
	}
	if !s.credentials {
		a.Withheld = "credentials withheld: the agent's connection to the server is neither TLS nor loopback"
		return a
	}
	auth, headers, err := monitor.OpenCredentials(h.Opener, svc.OrgID, svc)
	if err != nil {
		h.Logger.Error("service credentials could not be opened for an agent", "service_id", svc.ID, "error", err)
		a.Withheld = "stored credentials could not be opened"
		return a
	}
	auth, headers, ok := h.resolveSecrets(&a, auth, headers)
	if !ok {
		return a
	}
	if auth == nil && len(headers) == 0 {
		return a
	}
	a.Credentials = &Credentials{Auth: auth}
	if len(headers) > 0 {
		a.Credentials.Headers = headers
	}
	return a
}

// fingerprint sums what of svc an assignment to s carries, so a round sends only what
// changed (sealed credentials stand for their plaintext, the organization's secrets
// version for the secrets they may refer to).
func (s *session) fingerprint(svc *store.Service, secrets string) uint64 {
	raw, _ := json.Marshal(struct {
		T, E    string
		O       json.RawMessage
		I, X, D int
		A       *store.SealedAuth
		H       map[string][]byte
		C       bool
		L       []string // the locations place the checks in time (OffsetMS)
		S       string
	}{svc.CheckType, svc.Endpoint, svc.Options, svc.CheckIntervalSeconds, svc.TimeoutSeconds, svc.DegradedThresholdMS,
		svc.Auth, svc.SealedHeaders, s.credentials, svc.Locations, secrets})
	h := fnv.New64a()
	h.Write(raw)
	return h.Sum64()
}
