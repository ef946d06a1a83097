package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
)

// Two agents of one location (127.0.0.2 and 127.0.0.3) split its services with no
// overlap and full cover; an edit reaches the agent in ≤ 5 s; SIGKILL one and its share
// moves to the other within 30 s; start it again and the shares return, with no service
// ever checked by both at once and no gap; another organization's services and
// credentials never reach them; their token calls no other API; revoking it disconnects
// both within 10 s.
func TestAgentsShareFailOverAndReturn(t *testing.T) {
	if testing.Short() {
		t.Skip("runs agent processes for about a minute")
	}
	const interval = 2 * time.Second
	srv := newAgentServer(t)
	tg := newTarget(t)
	org, owner := srv.org("ada")
	other, _ := srv.org("bob")
	var paths []string
	for i := range 16 {
		srv.service(org, servicePath(i), tg.srv.URL+servicePath(i), int(interval/time.Second), nil)
		paths = append(paths, servicePath(i))
	}
	secretSvc := srv.service(org, "with-auth", tg.srv.URL+"/auth", 2, &monitor.Credentials{Type: "bearer", Token: "ada-own-secret"})
	foreign := srv.service(other, "bob's", tg.srv.URL+"/bob", 2, &monitor.Credentials{Type: "bearer", Token: "bob-secret-xyz"})
	edited := srv.service(org, "edited", tg.srv.URL+"/edit-before", 30, nil)
	locID, tokenID, token := srv.location(owner, "home")

	a := startAgent(t, srv.url(), token, "probe-a", "127.0.0.2")
	b := startAgent(t, srv.url(), token, "probe-b", "127.0.0.3")
	a.waitLog(10*time.Second, "assignments received", nil)
	b.waitLog(10*time.Second, "assignments received", nil)

	// Steady state: every service is checked, each from exactly one agent.
	steady := time.Now().Add(interval) // after the hand-overs of b's arrival
	time.Sleep(3*interval + 500*time.Millisecond)
	byPath := hitsBy(since(tg.all(), steady))
	owners := map[string]string{}
	for _, p := range paths {
		froms := sources(byPath[p])
		if len(froms) != 1 {
			t.Fatalf("%s was checked from %v in the steady state, want exactly one agent", p, froms)
		}
		owners[p] = froms[0]
	}
	if n := countOf(owners, "127.0.0.2"); n == 0 || n == len(paths) {
		t.Fatalf("agent a checks %d of %d services: not shared", n, len(paths))
	}

	// An edit through the API reaches the agent that has the service within 5 s.
	start := time.Now()
	if code, body := srv.api("PATCH", "/api/v1/services/"+edited.ID, owner,
		map[string]any{"endpoint": tg.srv.URL + "/edit-after"}); code != 200 {
		t.Fatalf("edit: %d %s", code, body)
	}
	changed := func(e map[string]any) bool { return e["service_id"] == edited.ID }
	var took time.Duration
	deadline := time.Now().Add(5 * time.Second)
	for took == 0 {
		for _, p := range []*agentProc{a, b} {
			if len(filter(p.logs.entries("assignment changed"), changed)) > 0 {
				took = time.Since(start)
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the edit did not reach an agent within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("service edit reached its agent in %s (SPEC §8: ≤ 5 s)", took.Round(time.Millisecond))

	// The agents' own credentials reach the target; another organization's never reach
	// them, nor do its services; no secret is ever logged.
	for _, h := range tg.all() {
		if h.path == "/bob" && (h.from == "127.0.0.2" || h.from == "127.0.0.3") {
			t.Fatalf("an agent of ada's location checked bob's service: %+v", h)
		}
		if h.path == "/auth" && h.auth != "Bearer ada-own-secret" {
			t.Fatalf("the credentialed service was checked with %q", h.auth)
		}
	}
	for _, p := range []*agentProc{a, b} {
		logs := p.logs.String()
		if strings.Contains(logs, foreign.ID) || strings.Contains(logs, "bob-secret-xyz") || strings.Contains(logs, "ada-own-secret") {
			t.Fatal("an agent's log names bob's service or a secret")
		}
	}
	if hits := hitsBy(tg.all())["/auth"]; len(hits) == 0 {
		t.Fatalf("service %s with credentials was never checked", secretSvc.ID)
	}
	// The agent token is good for the channel only.
	if code, _ := srv.api("GET", "/api/v1/services", token, nil); code != 401 {
		t.Fatalf("GET /services with the agent token: %d, want 401", code)
	}

	// SIGKILL a: every one of its services is checked by b within 30 s.
	killed := time.Now()
	a.kill()
	var moved time.Duration
	for _, p := range paths {
		if owners[p] != "127.0.0.2" {
			continue
		}
		for {
			h := firstFrom(tg.all(), p, "127.0.0.3", killed)
			if h != nil {
				moved = max(moved, h.at.Sub(killed))
				break
			}
			if time.Since(killed) > 30*time.Second {
				t.Fatalf("%s not checked by b within 30 s of a's SIGKILL", p)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("a's share checked by b %s after the SIGKILL at the latest (SPEC §8: ≤ 30 s)", moved.Round(time.Millisecond))

	// a comes back under the same name: the shares return as they were.
	back := time.Now()
	a = startAgent(t, srv.url(), token, "probe-a", "127.0.0.2")
	a.waitLog(10*time.Second, "assignments received", nil)
	time.Sleep(4*interval + 500*time.Millisecond)
	settled := back.Add(handoverSettle(interval))
	byPath = hitsBy(since(tg.all(), settled))
	for _, p := range paths {
		if froms := sources(byPath[p]); len(froms) != 1 || froms[0] != owners[p] {
			t.Fatalf("%s checked from %v after a's return, want %s as before", p, froms, owners[p])
		}
	}

	// Over the whole run: no service checked twice within half an interval (two agents at
	// once), and after a's return no gap longer than an interval and a half.
	for _, p := range paths {
		hits := byPathAll(tg.all())[p]
		for i := 1; i < len(hits); i++ {
			gap := hits[i].at.Sub(hits[i-1].at)
			if gap < interval/2 {
				t.Fatalf("%s checked at %v from %s and %v from %s: twice at once", p, hits[i-1].at.Format("15:04:05.000"),
					hits[i-1].from, hits[i].at.Format("15:04:05.000"), hits[i].from)
			}
			if hits[i-1].at.After(back) && gap > interval*3/2+500*time.Millisecond {
				t.Fatalf("%s: a gap of %s after a's return (%s then %s)", p, gap, hits[i-1].from, hits[i].from)
			}
		}
	}

	// Revoking the token disconnects both agents within 10 s.
	revoked := time.Now()
	if code, body := srv.api("DELETE", "/api/v1/locations/"+locID+"/tokens/"+tokenID, owner, nil); code != 204 {
		t.Fatalf("revoke: %d %s", code, body)
	}
	for _, p := range []*agentProc{a, b} {
		at := p.waitLog(10*time.Second, "cannot connect", nil)
		if d := at.Sub(revoked); d > 10*time.Second {
			t.Fatalf("disconnected %s after the revocation", d)
		}
	}
	code, body := srv.api("GET", "/api/v1/locations/"+locID, owner, nil)
	var loc struct{ Status string }
	if code != 200 || json.Unmarshal(body, &loc) != nil || loc.Status != "offline" {
		t.Fatalf("location after the revocation: %d %s", code, body)
	}
}

// handoverSettle is how long after an agent's return its hand-overs are done: the margin
// and at most one interval to the new owner's first planned check.
func handoverSettle(interval time.Duration) time.Duration {
	return 2*time.Second + interval + time.Second
}

// since keeps the hits at or after t.
func since(hits []targetHit, t time.Time) []targetHit {
	var out []targetHit
	for _, h := range hits {
		if !h.at.Before(t) {
			out = append(out, h)
		}
	}
	return out
}

// byPathAll is hitsBy over every hit.
func byPathAll(hits []targetHit) map[string][]targetHit { return hitsBy(hits) }

// sources are the distinct source addresses of hits, sorted.
func sources(hits []targetHit) []string {
	var out []string
	for _, h := range hits {
		if !slices.Contains(out, h.from) {
			out = append(out, h.from)
		}
	}
	slices.Sort(out)
	return out
}

func countOf(m map[string]string, v string) int {
	n := 0
	for _, x := range m {
		if x == v {
			n++
		}
	}
	return n
}

// firstFrom is the first hit of path from source after t, or nil.
func firstFrom(hits []targetHit, path, source string, t time.Time) *targetHit {
	for i := range hits {
		if hits[i].path == path && hits[i].from == source && hits[i].at.After(t) {
			return &hits[i]
		}
	}
	return nil
}

func filter(entries []map[string]any, keep func(map[string]any) bool) []map[string]any {
	var out []map[string]any
	for _, e := range entries {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}
