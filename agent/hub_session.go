package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"

	"github.com/alertifypro/alertifypro/store"
)

// Peer is a connection request the API has authenticated: the token it presented, the
// location that token belongs to, and what the server knows of the connection.
type Peer struct {
	Token    *store.AgentToken
	Digest   []byte // the token's digest, to re-check it while connected
	Location *store.Location
	// Secure is the server's view of the connection: TLS to this server (or to a trusted
	// proxy that says so), or a loopback peer. Credentials need it and the agent's Secure.
	Secure     bool
	RemoteAddr string
	// Node marks a node of the cluster checking its share of the built-in location as one
	// of its agents (SPEC §9): it has no token (nil) — the cluster's mutual TLS vouched for
	// it — and its presence is not the location's (the built-in location is never offline).
	Node bool
}

// outQueue is how many frames may wait for an agent that reads slowly; an agent that
// falls further behind is disconnected, so it cannot make the server hold unbounded data.
const outQueue = 64

// session is one connected agent.
type session struct {
	hub         *Hub
	conn        *websocket.Conn
	peer        Peer
	hello       Hello
	id          string
	started     time.Time // when the connection was accepted: results checked before are "late"
	credentials bool      // both sides consider the connection secure

	out      chan frame
	done     chan struct{}
	doneOnce sync.Once
	lastSeen atomic.Int64 // unix nanos of the last message or pong

	// highSeq is the highest batch of this agent process recorded; the reader goroutine
	// owns it.
	highSeq uint64
	// refusedLogged: results of services not assigned are logged once per session.
	refusedLogged bool

	// Assignment state. sent and needFull belong to the hub's assignment round (one
	// goroutine); allowed, released and assigned are read by the reader goroutine too.
	sent     map[string]uint64 // service ID → fingerprint of what was sent
	needFull bool
	mu       sync.Mutex
	allowed  map[string]bool      // assigned now
	released map[string]time.Time // taken away: results accepted until then
	assigned chan struct{}        // closed once the first full set went out
}

// frame is one message for the writer, or (close set) the instruction to close.
type frame struct {
	data   []byte
	close  bool
	code   websocket.StatusCode
	reason string
}

// Serve upgrades the request to the agent channel and serves it until the connection ends
// (the caller's goroutine is the session's reader). The API calls it once it has checked
// the token.
func (h *Hub) Serve(w http.ResponseWriter, r *http.Request, p Peer) {
	h.init()
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		http.Error(w, "the server is shutting down", http.StatusServiceUnavailable)
		return
	}
	h.serving.Add(1)
	h.mu.Unlock()
	defer h.serving.Done()
	// The HTTP server's read and write deadlines would end a connection that lives for
	// days; the session bounds its own reads (pings) and writes (writeTimeout).
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	s := &session{hub: h, peer: p, started: h.Now(), out: make(chan frame, outQueue), done: make(chan struct{}),
		sent: map[string]uint64{}, allowed: map[string]bool{}, released: map[string]time.Time{},
		assigned: make(chan struct{})}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		OnPongReceived: func(context.Context, []byte) { s.touch() }})
	if err != nil {
		return // Accept answered the request
	}
	s.conn = conn
	conn.SetReadLimit(maxAgentMessage)
	s.touch()
	go s.writeLoop()
	defer s.abort()
	if !s.handshake() {
		<-s.done // the refusal goes out before the connection closes (close bounds it)
		return
	}
	h.register(s)
	defer h.unregister(s)
	go s.keepAlive()
	s.readLoop()
}

// handshake reads and checks the hello, or refuses an agent this server cannot serve. It
// reports whether the session goes on (Serve then sends the welcome).
func (s *session) handshake() bool {
	ctx, cancel := context.WithTimeout(context.Background(), s.hub.HandshakeTimeout)
	m, err := readMessage(ctx, s.conn)
	cancel()
	if err != nil {
		s.abort() // no hello in time, or not a frame: nothing to answer
		return false
	}
	hello := m.Hello
	switch {
	case m.Type != typeHello || hello == nil:
		s.refuse("the first message must be hello", false)
		return false
	case hello.Protocol < MinProtocolVersion || hello.Protocol > ProtocolVersion:
		s.refuse(fmt.Sprintf("this server (AlertifyPro %s) speaks agent protocol %d to %d; the agent speaks %d: "+
			"run an agent of the server's version", s.hub.Version, MinProtocolVersion, ProtocolVersion, hello.Protocol), true)
		s.hub.Logger.Warn("agent refused: incompatible protocol", "location", s.peer.Location.Name,
			"agent", hello.Name, "agent_version", hello.Version, "protocol", hello.Protocol)
		return false
	case !validAgentName(hello.Name):
		s.refuse("the agent name must be 1 to 200 characters on one line", false)
		return false
	case !validInstance(hello.Instance):
		s.refuse("the agent instance must be 8 to 64 characters of 0-9 and a-z", false)
		return false
	}
	s.hello = *hello
	s.id = agentID(s.peer.Location.ID, hello.Name)
	s.credentials = s.peer.Secure && hello.Secure
	seq, err := s.hub.Store.AgentBatchSeq(s.peer.Location.ID, hello.Instance)
	if err != nil {
		s.hub.Logger.Error("agent batch ledger unreadable", "error", err)
		s.refuse("the server cannot take results now; try again later", false)
		return false
	}
	s.highSeq = seq
	if t := s.peer.Token; t != nil && (t.LastUsedAt == nil || s.started.Sub(*t.LastUsedAt) > time.Minute) {
		if err := s.hub.Store.TouchAgentToken(t, s.started); err != nil {
			s.hub.Logger.Warn("agent token last_used_at not updated", "error", err)
		}
	}
	s.hub.Logger.Info("agent connected", "location", s.peer.Location.Name, "agent", hello.Name, "agent_id", s.id,
		"version", hello.Version, "remote_addr", s.peer.RemoteAddr, "credentials", s.credentials)
	return true
}

// validAgentName accepts 1–200 characters of valid UTF-8 without control characters.
func validAgentName(n string) bool {
	if n == "" || len(n) > 200 || !utf8.ValidString(n) {
		return false
	}
	for _, r := range n {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			return false
		}
	}
	return true
}

// validInstance accepts 8–64 characters of 0-9 and a-z (the agent sends 24 hex digits).
func validInstance(s string) bool {
	if len(s) < 8 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}

// readLoop answers every batch until the connection ends.
func (s *session) readLoop() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		m, err := readMessage(ctx, s.conn)
		if err != nil {
			return
		}
		s.touch()
		if m.Type == typeResults && m.Results != nil {
			s.send(&message{Type: typeAck, Ack: s.ingest(ctx, m.Results)})
		}
	}
}

// send queues m for the writer; an agent too far behind is disconnected.
func (s *session) send(m *message) {
	raw, err := json.Marshal(m)
	if err != nil {
		s.hub.Logger.Error("agent message not encoded", "error", err)
		return
	}
	s.enqueue(frame{data: raw})
}

func (s *session) enqueue(f frame) {
	select {
	case <-s.done:
	case s.out <- f:
	default:
		s.hub.Logger.Warn("agent does not read its messages; disconnected", "location", s.peer.Location.Name, "agent", s.hello.Name)
		s.abort()
	}
}

// refuse tells the agent why it is disconnected, then closes the connection (at once if
// the message cannot be queued).
func (s *session) refuse(why string, incompatible bool) {
	s.send(&message{Type: typeRefused, Refused: &Refusal{Message: why, Incompatible: incompatible}})
	s.close(websocket.StatusPolicyViolation, why)
}

// close asks the writer to close the connection after what is queued; abort if it cannot.
func (s *session) close(code websocket.StatusCode, reason string) {
	if len(reason) > 120 { // a close frame's reason is at most 123 bytes
		reason = reason[:120]
	}
	s.enqueue(frame{close: true, code: code, reason: reason})
	time.AfterFunc(5*time.Second, s.abort)
}

// abort closes the connection at once; the session's goroutines end.
func (s *session) abort() {
	s.doneOnce.Do(func() {
		close(s.done)
		if s.conn != nil {
			_ = s.conn.CloseNow()
		}
	})
}

// writeLoop writes queued frames, each within writeTimeout.
func (s *session) writeLoop() {
	for {
		select {
		case <-s.done:
			return
		case f := <-s.out:
			if f.close {
				_ = s.conn.Close(f.code, f.reason) // waits briefly for the agent's close frame
				s.abort()
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
			err := s.conn.Write(ctx, websocket.MessageText, f.data)
			cancel()
			if err != nil {
				s.abort()
				return
			}
		}
	}
}

// keepAlive pings the agent every Heartbeat; one that does not answer within another is
// gone.
func (s *session) keepAlive() {
	t := time.NewTicker(s.hub.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(context.Background(), s.hub.Heartbeat)
			err := s.conn.Ping(ctx)
			cancel()
			if err != nil {
				s.hub.Logger.Warn("agent silent; disconnected", "location", s.peer.Location.Name, "agent", s.hello.Name)
				s.abort()
				return
			}
		}
	}
}

func (s *session) touch() { s.lastSeen.Store(time.Now().UnixNano()) }

// info is the session as the API lists it.
func (s *session) info() AgentInfo {
	return AgentInfo{ID: s.id, Name: s.hello.Name, Version: s.hello.Version,
		LastSeenAt: time.Unix(0, s.lastSeen.Load()).UTC(), RemoteAddr: s.peer.RemoteAddr, Connected: true}
}

// register queues the welcome and adds s to its location, in that order and under the
// hub's lock: the welcome precedes every assignment, and an agent that has its welcome is
// one Revoke finds. An older connection under the same name is closed (the agent restarted
// before the server noticed the old one had gone).
func (h *Hub) register(s *session) {
	welcome := &message{Type: typeWelcome, Welcome: &Welcome{AgentID: s.id, Location: s.peer.Location.Name,
		LocationID: s.peer.Location.ID, Protocol: ProtocolVersion, ServerVersion: h.Version, Credentials: s.credentials}}
	h.mu.Lock()
	s.send(welcome) // the queue is empty: this never blocks

	ls := h.locs[s.peer.Location.ID]
	if ls == nil {
		ls = &locState{loc: *s.peer.Location, agents: map[string]*session{}, owners: map[string]string{},
			eligible: map[string]string{}, seen: map[string]AgentInfo{}}
		h.locs[s.peer.Location.ID] = ls
	}
	old := ls.agents[s.hello.Name]
	ls.agents[s.hello.Name] = s
	ls.seen[s.hello.Name] = s.info()
	s.needFull = true
	if h.Presence != nil && !s.peer.Node {
		h.Presence.Present(ls.loc, len(ls.agents))
	}
	h.mu.Unlock()
	if old != nil {
		h.Logger.Warn("agent name connected again; the older connection is closed (give every agent of a location its own AGENT_NAME)",
			"location", s.peer.Location.Name, "agent", s.hello.Name)
		old.refuse("replaced by a newer connection with the same agent name", false)
	}
	h.Notify()
}

// unregister removes s from its location (unless a newer connection of the same name
// replaced it) and has its services re-assigned.
func (h *Hub) unregister(s *session) {
	h.mu.Lock()
	if ls := h.locs[s.peer.Location.ID]; ls != nil && ls.agents[s.hello.Name] == s {
		delete(ls.agents, s.hello.Name)
		info := s.info()
		info.Connected = false
		ls.seen[s.hello.Name] = info
		if h.Presence != nil && !ls.deleted && !s.peer.Node {
			h.Presence.Present(ls.loc, len(ls.agents))
		}
	}
	h.mu.Unlock()
	h.Logger.Info("agent disconnected", "location", s.peer.Location.Name, "agent", s.hello.Name)
	h.Notify()
}
