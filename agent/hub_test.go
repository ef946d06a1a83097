package agent

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// An agent of another protocol version is refused with a sentence saying so, marked
// incompatible (the agent backs off for long), and the connection closes.
func TestHubRefusesAnIncompatibleAgent(t *testing.T) {
	e := newHubEnv(t)
	org := e.org("ada")
	l, token := e.location(org, "home")
	a, first := e.dial(token, Hello{Protocol: ProtocolVersion + 1, Name: "future", Version: "9.0"})
	if first == nil || first.Type != typeRefused || !first.Refused.Incompatible ||
		!strings.Contains(first.Refused.Message, "agent protocol") {
		t.Fatalf("first message = %+v, want an incompatible refusal", first)
	}
	var ce websocket.CloseError
	if err := a.closed(7 * time.Second); !errors.As(err, &ce) || ce.Code != websocket.StatusPolicyViolation {
		t.Fatalf("connection ended with %v, want a policy-violation close", err)
	}
	if status, agents := e.hub.Agents(l.ID); status != "offline" || len(agents) != 0 {
		t.Fatalf("a refused agent is listed: %s %v", status, agents)
	}
}

// A connection that never says hello is closed after the handshake timeout: it cannot
// hold a server goroutine for long.
func TestHubClosesASilentConnection(t *testing.T) {
	e := newHubEnv(t)
	_, token := e.location(e.org("ada"), "home")
	// The handshake timeout is 1 s; a connection held past 10 s is held for good (the read
	// would wait 30 s), and a loaded machine stretches 1 s by far less than that.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+ConnectPath,
		&websocket.DialOptions{HTTPHeader: map[string][]string{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	start := time.Now()
	_, _, err = conn.Read(ctx)
	if err == nil || ctx.Err() != nil || time.Since(start) > 10*time.Second {
		t.Fatalf("read = %v after %s, want the server to close at its 1 s handshake timeout", err, time.Since(start))
	}
}

// An organization location's agent receives its organization's services only — never
// another organization's, nor their credentials; an instance location's agent receives
// every organization's. Credentials arrive in plaintext over a secure connection only.
func TestHubAssignsTheLocationsScopeOnly(t *testing.T) {
	e := newHubEnv(t)
	ada, bob := e.org("ada"), e.org("bob")
	adaSvc := e.service(ada, "ada api", "http://127.0.0.1:1/a", 10, &monitor.Credentials{Type: "basic", Username: "ada", Password: "ada-secret-password"})
	bobSvc := e.service(bob, "bob api", "http://127.0.0.1:1/b", 10, &monitor.Credentials{Type: "bearer", Token: "bob-secret-token"})
	_, bobToken := e.location(bob, "bob-lab")
	_, instToken := e.location("", "eu-west")

	b, first := e.dial(bobToken, Hello{Name: "bob-probe", Secure: true})
	if first == nil || first.Type != typeWelcome || !first.Welcome.Credentials {
		t.Fatalf("welcome = %+v", first)
	}
	waitFor(t, 5*time.Second, "bob's agent assigned", func() bool { return len(b.ids()) == 1 })
	if ids := b.ids(); !ids[bobSvc.ID] || ids[adaSvc.ID] {
		t.Fatalf("bob's agent holds %v, want only %s", ids, bobSvc.ID)
	}
	b.mu.Lock()
	got := b.assigned[bobSvc.ID]
	b.mu.Unlock()
	if got.Credentials == nil || got.Credentials.Auth == nil || got.Credentials.Auth.Token != "bob-secret-token" {
		t.Fatalf("bob's own credentials not delivered: %+v", got)
	}
	// A change to ada's services reaches nobody at bob's location.
	if _, err := e.db.UpdateService(ada, adaSvc.ID, func(s *store.Service) error { s.Endpoint += "x"; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	e.hub.Notify()
	time.Sleep(300 * time.Millisecond)
	b.mu.Lock()
	for _, x := range b.received {
		if x.OrgID != bob || x.ServiceID != bobSvc.ID || strings.Contains(x.Endpoint, "/a") {
			t.Errorf("bob's agent received %+v", x)
		}
		if x.Credentials != nil && x.Credentials.Auth != nil && x.Credentials.Auth.Password == "ada-secret-password" {
			t.Error("bob's agent received ada's password")
		}
	}
	b.mu.Unlock()

	inst, _ := e.dial(instToken, Hello{Name: "shared", Secure: true})
	waitFor(t, 5*time.Second, "instance agent assigned", func() bool { return len(inst.ids()) == 2 })
	if ids := inst.ids(); !ids[adaSvc.ID] || !ids[bobSvc.ID] {
		t.Fatalf("instance agent holds %v", ids)
	}

}

// Credentials travel only when both sides call the connection secure: an agent that does
// not (plain HTTP to a remote server), or a server that sees plain HTTP from afar, gets the
// assignment with its credentials withheld and the reason.
func TestHubWithholdsCredentialsOverAnInsecureConnection(t *testing.T) {
	for _, c := range []struct {
		name                 string
		agentSecure, srvSees bool
	}{{"agent says plain", false, true}, {"server sees plain", true, false}} {
		t.Run(c.name, func(t *testing.T) {
			e := newHubEnv(t)
			e.insecure = !c.srvSees
			org := e.org("ada")
			svc := e.service(org, "api", "http://127.0.0.1:1/", 10, &monitor.Credentials{Type: "basic", Username: "u", Password: "p4ss"})
			_, token := e.location(org, "home")
			a, first := e.dial(token, Hello{Secure: c.agentSecure})
			if first.Welcome.Credentials {
				t.Fatal("credentials promised")
			}
			waitFor(t, 5*time.Second, "assigned", func() bool { return len(a.ids()) == 1 })
			a.mu.Lock()
			x := a.assigned[svc.ID]
			a.mu.Unlock()
			if x.Credentials != nil || !strings.Contains(x.Withheld, "neither TLS nor loopback") {
				t.Fatalf("assignment %+v", x)
			}
		})
	}
}

// Two agents of one location split its services with no overlap and full cover; when one
// goes, the other gets its share at once; when it comes back, the services move back with
// a hand-over: the new owner starts at a planned time, the old one stops half an interval
// before it.
func TestHubSharesAndFailsOver(t *testing.T) {
	e := newHubEnv(t)
	org := e.org("ada")
	var all []string
	for i := range 40 {
		all = append(all, e.service(org, "svc"+string(rune('a'+i%26))+string(rune('a'+i/26)), "http://127.0.0.1:1/", 30, nil).ID)
	}
	_, token := e.location(org, "home")
	a, _ := e.dial(token, Hello{Name: "probe-a", Secure: true})
	waitFor(t, 5*time.Second, "a holds everything", func() bool { return len(a.ids()) == 40 })
	b, _ := e.dial(token, Hello{Name: "probe-b", Secure: true})
	waitFor(t, 5*time.Second, "a and b share", func() bool {
		ia, ib := a.ids(), b.ids()
		return len(ia)+len(ib) == 40 && len(ib) > 0
	})
	ia, ib := a.ids(), b.ids()
	for _, id := range all {
		if ia[id] == ib[id] {
			t.Fatalf("service %s: on a %v, on b %v (want exactly one)", id, ia[id], ib[id])
		}
		if ib[id] && owner(id, []string{"probe-a", "probe-b"}) != "probe-b" {
			t.Fatalf("service %s is not b's by rendezvous hashing", id)
		}
	}
	// The move to b was a hand-over: a got removals with a stop time, b start times, and
	// they fit together.
	a.mu.Lock()
	stops := map[string]time.Time{}
	for _, r := range a.removals {
		if r.StopAt == nil {
			t.Errorf("removal of %s without a stop time though its owner was connected", r.ServiceID)
			continue
		}
		stops[r.ServiceID] = *r.StopAt
	}
	a.mu.Unlock()
	b.mu.Lock()
	for _, x := range b.received {
		stop, ok := stops[x.ServiceID]
		if x.StartAt == nil || !ok || x.StartAt.Sub(stop) != 15*time.Second {
			t.Errorf("hand-over of %s: start %v, stop %v", x.ServiceID, x.StartAt, stop)
		}
	}
	b.mu.Unlock()

	// b vanishes: a takes everything back, at once, without a stop to wait for.
	b.conn.CloseNow()
	took := waitFor(t, 5*time.Second, "a holds everything again", func() bool { return len(a.ids()) == 40 })
	t.Logf("share moved back to a in %s", took)
	if status, agents := e.hub.Agents(a.assignedLocation(t, e)); status != "online" || len(agents) != 2 {
		t.Fatalf("status %s agents %+v, want online with a connected and b seen", status, agents)
	}
}

// assignedLocation is the ID of the location the env made (the only one).
func (a *rawAgent) assignedLocation(t *testing.T, e *hubEnv) string {
	e.hub.mu.Lock()
	defer e.hub.mu.Unlock()
	for id := range e.hub.locs {
		return id
	}
	t.Fatal("no location")
	return ""
}

// A service edit reaches the agent as an incremental upsert right after the change
// notice (the API sends one after every service write).
func TestHubPushesAServiceEdit(t *testing.T) {
	e := newHubEnv(t)
	org := e.org("ada")
	svc := e.service(org, "api", "http://127.0.0.1:1/old", 30, nil)
	_, token := e.location(org, "home")
	a, _ := e.dial(token, Hello{Secure: true})
	waitFor(t, 5*time.Second, "assigned", func() bool { return len(a.ids()) == 1 })
	if _, err := e.db.UpdateService(org, svc.ID, func(s *store.Service) error { s.Endpoint = "http://127.0.0.1:1/new"; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	e.hub.Notify()
	took := waitFor(t, 2*time.Second, "edit delivered", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.assigned[svc.ID].Endpoint == "http://127.0.0.1:1/new"
	})
	t.Logf("edit reached the agent %s after the notice", took)
	_ = start
	// A paused service is taken away.
	if _, err := e.db.UpdateService(org, svc.ID, func(s *store.Service) error { s.Paused = true; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	e.hub.Notify()
	waitFor(t, 2*time.Second, "paused service removed", func() bool { return len(a.ids()) == 0 })
}

// Revoking a token disconnects its agents with a message saying why; the hub's poll also
// catches a token that vanished another way.
func TestHubRevokeDisconnects(t *testing.T) {
	e := newHubEnv(t)
	org := e.org("ada")
	l, token := e.location(org, "home")
	a, first := e.dial(token, Hello{Secure: true})
	if first.Type != typeWelcome {
		t.Fatalf("first = %+v", first)
	}
	list, _ := e.db.AgentTokens(org, l.ID)
	start := time.Now()
	e.hub.Revoke(list[0].ID)
	m := a.nextOf(typeRefused, 5*time.Second)
	if m == nil || !strings.Contains(m.Refused.Message, "revoked") {
		t.Fatalf("no revocation message: %+v", m)
	}
	if err := a.closed(10 * time.Second); err == nil {
		t.Fatal("connection still open 10 s after the revocation")
	}
	t.Logf("disconnected %s after the revocation", time.Since(start))

	// A token deleted behind the hub's back (the store) goes at its next poll.
	token2 := e.token(l)
	b, _ := e.dial(token2, Hello{Secure: true})
	tok2, _, err := e.db.AgentTokenByDigest(crypto.Digest(token2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.DeleteAgentToken(org, l.ID, tok2.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.closed(5 * time.Second); err == nil {
		t.Fatal("an agent with a deleted token stays connected")
	}
}

// An agent that stops answering (its process frozen, its network gone) is dropped after
// at most two heartbeats and its services go to the others: the hub pings, it does not
// wait for the TCP connection to fail.
func TestHubDropsASilentAgent(t *testing.T) {
	e := newHubEnv(t)
	e.stop()
	e.hub = nil
	e.startHubWith(func(h *Hub) { h.Heartbeat = 500 * time.Millisecond })
	org := e.org("ada")
	for i := range 10 {
		e.service(org, "svc"+string(rune('a'+i)), "http://127.0.0.1:1/", 30, nil)
	}
	_, token := e.location(org, "home")
	a, _ := e.dial(token, Hello{Name: "probe-a", Secure: true})
	b, _ := e.dial(token, Hello{Name: "probe-b", Secure: true})
	waitFor(t, 5*time.Second, "shared", func() bool { return len(a.ids())+len(b.ids()) == 10 && len(a.ids()) > 0 && len(b.ids()) > 0 })
	// b goes silent: nothing reads its connection any more, so it answers no ping.
	b.freeze()
	took := waitFor(t, 5*time.Second, "a holds everything", func() bool { return len(a.ids()) == 10 })
	t.Logf("a silent agent's share moved after %s (heartbeat 0.5 s)", took)
	if took < 400*time.Millisecond {
		t.Fatalf("moved after %s: before a heartbeat could have missed", took)
	}
}
