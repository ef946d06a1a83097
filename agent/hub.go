package agent

import (
	"context"
	"crypto/sha1"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// HubStore is what the hub reads and writes (*store.DB).
type HubStore interface {
	ForEachService(fn func(*store.Service) error) error
	AgentTokenByDigest(digest []byte) (*store.AgentToken, *store.Location, error)
	TouchAgentToken(t *store.AgentToken, at time.Time) error
	AgentBatchSeq(locationID, instance string) (uint64, error)
	SetAgentBatchSeq(locationID, instance string, seq uint64, at time.Time) error
	PruneAgentBatches(before time.Time) (int, error)
}

// ResultSink records the results agents report, once validated: every result is for a
// service of the location's organization(s) that the agent was assigned, carries the
// location and its receive time, checked_at clamped (SPEC §8). It records them and marks
// batch in the ledger together, or neither; duplicate says the ledger already held the
// batch (nothing was recorded). An error makes the agent send the batch again later.
type ResultSink interface {
	Record(ctx context.Context, loc *store.Location, agentID string, batch store.AgentBatch, results []Checked) (duplicate bool, err error)
}

// Presence is told of every change in the number of a location's connected agents.
type Presence interface {
	Present(loc store.Location, connected int)
	// Forget drops a deleted location.
	Forget(loc store.Location)
}

// Checked is one validated agent result.
type Checked struct {
	OrgID     string
	ServiceID string
	Result    monitor.Result
	// ReceivedAt is when the server received the batch; Clamped says CheckedAt was more
	// than 5 s after it and was set to it.
	ReceivedAt time.Time
	Clamped    bool
}

// Hub is the server side of the agent channel: it authenticates nothing itself (the API
// hands it connections whose token it has checked), tracks the connected agents of every
// location, shares each location's services among them (plan.go) and pushes every change,
// takes their result batches in (ingest) and hands them to Sink. Build one in the
// composition root, run it with Run; Serve serves one connection.
type Hub struct {
	Store  HubStore
	Sink   ResultSink
	Opener monitor.Opener // opens services' sealed credentials (*crypto.Sealer)
	// Secrets resolves services' {{secrets.NAME}} references before their assignments
	// are sent (*vault.Vault, hub_secrets.go); nil sends them as written.
	Secrets SecretSource
	Version string
	Logger  *slog.Logger
	// Poll is how often the hub re-reads services and re-checks tokens even without a
	// change notice; 0 is 10 s (a revoked token's agents go within it at the latest).
	Poll time.Duration
	// Now is the clock of received times; nil is time.Now.
	Now func() time.Time
	// Heartbeat is how often the hub pings each agent and how long a ping may go
	// unanswered: a silent agent is gone after at most twice this; 0 is HeartbeatInterval
	// (10 s, so 20 s: inside SPEC §8's 30 s).
	Heartbeat time.Duration
	// Presence, when set, is told how many agents of a location are connected whenever
	// that changes (alerting.LocationBoard: offline locations leave quorums).
	Presence Presence
	// Leading, when set, says whether this node leads its cluster: only the leader
	// prunes the batch ledger (a follower's store takes no writes of its own).
	Leading func() bool
	// Builtin is the built-in location's name (LOCATION_NAME): a service that names no
	// location is its, and a cluster's nodes check it as its agents (Peer.Node).
	Builtin string
	// HandshakeTimeout bounds the wait for an agent's hello after the upgrade (and, once
	// connected, for its first assignments before its results are judged); 0 is 10 s.
	HandshakeTimeout time.Duration

	once    sync.Once
	mu      sync.Mutex
	closed  bool
	locs    map[string]*locState // by location ID
	serving sync.WaitGroup
	wake    chan struct{}
	stats   hubStats
	// versions are the secrets versions read in the current round, by organization;
	// only Run's goroutine (reassign) touches them.
	versions map[string]string
}

// locState is one location as the hub knows it.
type locState struct {
	loc    store.Location
	agents map[string]*session // connected, by agent name
	// owners is who checks each service since the last assignment round (by name), and
	// eligible which services the location runs (service ID → organization ID).
	owners   map[string]string
	eligible map[string]string
	// seen are agents that were connected, by name, for the API's list.
	seen map[string]AgentInfo
	// deleted marks a location deleted while its agents were connected.
	deleted bool
}

// AgentInfo is an agent as the API shows it (SPEC §8).
type AgentInfo struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Version    string    `json:"version"`
	LastSeenAt time.Time `json:"last_seen_at"`
	RemoteAddr string    `json:"remote_addr"`
	Connected  bool      `json:"connected"`
}

// seenFor is how long a disconnected agent stays in its location's list.
const seenFor = 24 * time.Hour

func (h *Hub) init() {
	h.once.Do(func() {
		h.locs = make(map[string]*locState)
		h.wake = make(chan struct{}, 1)
		if h.Logger == nil {
			h.Logger = slog.New(slog.DiscardHandler)
		}
		if h.Poll <= 0 {
			h.Poll = 10 * time.Second
		}
		if h.Now == nil {
			h.Now = time.Now
		}
		if h.Heartbeat <= 0 {
			h.Heartbeat = HeartbeatInterval
		}
		if h.HandshakeTimeout <= 0 {
			h.HandshakeTimeout = helloTimeout
		}
	})
}

// Notify tells the hub that services changed: it re-assigns at once (the API calls it
// after every service write, as it wakes the scheduler). It never blocks.
func (h *Hub) Notify() {
	h.init()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run re-assigns on every change notice and every Poll, re-checks the tokens of connected
// agents and prunes the batch ledger, until ctx ends; then it closes every connection and
// waits for their handlers to return.
func (h *Hub) Run(ctx context.Context) error {
	h.init()
	poll := time.NewTicker(h.Poll)
	defer poll.Stop()
	prune := time.NewTicker(time.Hour)
	defer prune.Stop()
	h.pruneLedger()
	for {
		select {
		case <-ctx.Done():
			h.shutdown()
			return nil
		case <-h.wake:
			h.reassign()
		case <-poll.C:
			h.checkTokens()
			h.reassign()
		case <-prune.C:
			h.pruneLedger()
		}
	}
}

// ledgerKeep is how long the batch ledger remembers an agent process after its last batch.
const ledgerKeep = 7 * 24 * time.Hour

func (h *Hub) pruneLedger() {
	if h.Leading != nil && !h.Leading() {
		return
	}
	if n, err := h.Store.PruneAgentBatches(h.Now().Add(-ledgerKeep)); err != nil {
		h.Logger.Error("agent batch ledger not pruned", "error", err)
	} else if n > 0 {
		h.Logger.Info("agent batch ledger pruned", "entries", n)
	}
}

// shutdown refuses new connections, closes the open ones and waits for their handlers.
func (h *Hub) shutdown() {
	h.mu.Lock()
	h.closed = true
	var all []*session
	for _, ls := range h.locs {
		for _, s := range ls.agents {
			all = append(all, s)
		}
	}
	h.mu.Unlock()
	for _, s := range all {
		s.close(websocket.StatusGoingAway, "the server is shutting down")
	}
	h.serving.Wait()
}

// Revoke disconnects every agent connected with token tokenID (the API calls it when the
// token is revoked).
func (h *Hub) Revoke(tokenID string) {
	h.closeWhere(func(s *session) bool { return s.peer.Token != nil && s.peer.Token.ID == tokenID },
		"the agent token was revoked")
}

// DisconnectAll closes every agent's connection with why: a cluster node that stops
// leading does so, since only the leader records results (SPEC §9); the agents reconnect
// through any node to the new leader.
func (h *Hub) DisconnectAll(why string) {
	h.closeWhere(func(*session) bool { return true }, why)
}

// RevokeLocation disconnects every agent of location locationID (deleted) and forgets it.
func (h *Hub) RevokeLocation(locationID string) {
	h.closeWhere(func(s *session) bool { return s.peer.Location.ID == locationID }, "the location was deleted")
	h.mu.Lock()
	if ls := h.locs[locationID]; ls != nil {
		clear(ls.seen) // the next round drops it once its agents are gone
		ls.deleted = true
		if h.Presence != nil {
			h.Presence.Forget(ls.loc) // gone, not offline
		}
	}
	h.mu.Unlock()
}

func (h *Hub) closeWhere(match func(*session) bool, why string) {
	h.init()
	h.mu.Lock()
	var doomed []*session
	for _, ls := range h.locs {
		for _, s := range ls.agents {
			if match(s) {
				doomed = append(doomed, s)
			}
		}
	}
	h.mu.Unlock()
	for _, s := range doomed {
		s.refuse(why, false)
	}
}

// checkTokens disconnects agents whose token no longer authenticates (revoked other than
// through Revoke: an organization deleted, a restore).
func (h *Hub) checkTokens() {
	h.mu.Lock()
	var all []*session
	for _, ls := range h.locs {
		for _, s := range ls.agents {
			all = append(all, s)
		}
	}
	h.mu.Unlock()
	for _, s := range all {
		if s.peer.Token == nil {
			continue // a cluster node's own agent: no token to revoke
		}
		t, _, err := h.Store.AgentTokenByDigest(s.peer.Digest)
		if errors.Is(err, store.ErrNotFound) || err == nil && t.ID != s.peer.Token.ID {
			s.refuse("the agent token was revoked", false)
		}
	}
}

// Agents returns the agents of location locationID that are or were recently connected,
// by name, and the location's status: "online" while one is connected, else "offline".
func (h *Hub) Agents(locationID string) (status string, agents []AgentInfo) {
	h.init()
	h.mu.Lock()
	defer h.mu.Unlock()
	agents = []AgentInfo{}
	ls := h.locs[locationID]
	if ls == nil {
		return "offline", agents
	}
	now := h.Now()
	for name, info := range ls.seen {
		if s, ok := ls.agents[name]; ok {
			info = s.info()
		} else if now.Sub(info.LastSeenAt) > seenFor {
			delete(ls.seen, name)
			continue
		}
		agents = append(agents, info)
	}
	slices.SortFunc(agents, func(a, b AgentInfo) int { return cmpString(a.Name, b.Name) })
	if len(ls.agents) > 0 {
		return "online", agents
	}
	return "offline", agents
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// agentID is an agent's stable ID: the same name in the same location is the same agent
// across reconnections.
func agentID(locationID, name string) string {
	return uuid.NewHash(sha1.New(), uuid.NameSpaceOID, []byte("alertifypro-agent/"+locationID+"/"+name), 5).String()
}

// hubStats are the hub's counters (results taken, refused, clamped; batches repeated).
type hubStats struct {
	mu                                    sync.Mutex
	accepted, refused, clamped, duplicate uint64
}

func (st *hubStats) add(accepted, refused, clamped, duplicate int) {
	st.mu.Lock()
	st.accepted += uint64(accepted)
	st.refused += uint64(refused)
	st.clamped += uint64(clamped)
	st.duplicate += uint64(duplicate)
	st.mu.Unlock()
}

// Stats returns how many agent results the hub has accepted, refused and clamped, and how
// many batches it recognized as repeats, since it started.
func (h *Hub) Stats() (accepted, refused, clamped, duplicateBatches uint64) {
	h.stats.mu.Lock()
	defer h.stats.mu.Unlock()
	return h.stats.accepted, h.stats.refused, h.stats.clamped, h.stats.duplicate
}
