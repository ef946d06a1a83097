package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// ntfyReceiver is a loopback ntfy server that records what it is sent.
type ntfyReceiver struct {
	mu    sync.Mutex
	posts []string // "<path> <body>"
	srv   *httptest.Server
}

func startNtfyReceiver(t *testing.T) *ntfyReceiver {
	r := &ntfyReceiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.posts = append(r.posts, req.URL.Path+" "+string(body))
		r.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *ntfyReceiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.posts)
}

// mailedTo lists the first recipient of every captured mail.
func mailedTo(t *testing.T, c *smtpCapture) []string {
	var out []string
	for _, m := range c.messages(t) {
		out = append(out, m.To[0])
	}
	return out
}

// An alert whose escalation steps page a schedule reaches the person on call when each
// step fires: by e-mail (loopback SMTP) and by their ntfy contact method (loopback
// receiver); a step after the handoff pages the next person; a step that finds nobody on
// call falls through to the next step at once, and the alert's notes say so.
func TestEscalationPagesWhoeverIsOnCall(t *testing.T) {
	capture := startSMTPCapture(t)
	ntfy := startNtfyReceiver(t)
	e, f := newOrgEnv(t, capture.configure)
	mustCreate := func(path, token string, body any) string {
		t.Helper()
		rec := e.do("POST", path, token, body)
		if rec.Code != 201 {
			t.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body.String())
		}
		return decode[map[string]any](t, rec)["id"].(string)
	}
	mustCreate("/api/v1/profile/contact-methods", f.memberTok, map[string]any{"type": "ntfy",
		"config": map[string]any{"server_url": ntfy.srv.URL, "topic": "mia-pager"}})
	// The clock says 2026-11-25T12:00Z, 13:00 in Berlin: the member's shift runs to the
	// 13:30 handoff (12:30Z), then the owner's.
	sched := mustCreate("/api/v1/on-call-schedules", f.memberTok, map[string]any{"name": "Primary", "timezone": "Europe/Berlin",
		"layers": []any{map[string]any{"rotation": "daily", "handoff_time": "13:30", "starts_at": "2026-11-24T13:30:00+01:00",
			"users": []string{f.member.ID, f.owner.ID}}}})
	// A schedule with nobody on call now: its only window is Mondays 00:00-01:00.
	empty := mustCreate("/api/v1/on-call-schedules", f.memberTok, map[string]any{"name": "Weekend", "timezone": "Europe/Berlin",
		"layers": []any{map[string]any{"rotation": "weekly", "starts_at": "2026-11-01T00:00:00Z", "users": []string{f.viewer.ID},
			"restrictions": []any{map[string]any{"days": []string{"mon"}, "start": "00:00", "end": "01:00"}}}}})
	policy := mustCreate("/api/v1/escalation-policies", f.memberTok, map[string]any{"name": "Pager", "rules": []any{
		map[string]any{"delay_minutes": 0, "notify_type": "schedule", "notify_id": sched},
		map[string]any{"delay_minutes": 40, "notify_type": "schedule", "notify_id": empty},
		map[string]any{"delay_minutes": 60, "notify_type": "user", "notify_id": f.admin.ID},
	}})
	svc := e.createHTTPService(f.memberTok, "API", "https://api.example.com")
	mustCreate("/api/v1/alert-rules", f.memberTok, map[string]any{"name": "API down", "service_id": svc, "escalation_policy_id": policy})
	deliver := func() {
		t.Helper()
		if _, err := outboxWorker(e).DeliverDue(t.Context()); err != nil {
			t.Fatal(err)
		}
	}

	e.record(f.owner.OrgID, svc, "RED") // 12:01Z: level 1 fires with the alert
	deliver()
	if got := mailedTo(t, capture); !slices.Equal(got, []string{"member@example.com"}) {
		t.Fatalf("level 1 mailed %v, want the member on call", got)
	}
	posts := ntfy.received()
	if len(posts) != 1 || !strings.HasPrefix(posts[0], "/mia-pager ") || !strings.Contains(posts[0], "API") {
		t.Fatalf("ntfy got %q, want one message on the member's topic", posts)
	}

	// Level 2 (40 min) finds nobody in "Weekend": it falls through to level 3 at once,
	// twenty minutes before its own delay.
	e.clock.Advance(40 * time.Minute)
	if _, err := e.deps.Alerter.RunDue(); err != nil {
		t.Fatal(err)
	}
	deliver()
	if got := mailedTo(t, capture); !slices.Equal(got, []string{"member@example.com", "admin@example.com"}) {
		t.Fatalf("after the fall-through: %v", got)
	}
	al := e.openAlert(f.owner.OrgID, svc)
	var notes []string
	for _, n := range al.Notes {
		notes = append(notes, n.Text)
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{`Escalation level 1: paged Mia Member, on call in schedule "Primary"`,
		`Escalation level 2: nobody is on call in schedule "Weekend"; falling through to the next step.`} {
		if !strings.Contains(joined, want) {
			t.Errorf("notes lack %q:\n%s", want, joined)
		}
	}
	if len(ntfy.received()) != 1 {
		t.Errorf("ntfy got more: %q", ntfy.received())
	}
}

// After the handoff, the same schedule step pages the next person: a policy that repeats
// its one schedule step (at 45 minutes, again at 135) pages the member before 13:30 Berlin
// time and the owner after.
func TestEscalationPagesTheNextPersonAfterHandoff(t *testing.T) {
	capture := startSMTPCapture(t)
	e, f := newOrgEnv(t, capture.configure)
	mustCreate := func(path string, body any) string {
		t.Helper()
		rec := e.do("POST", path, f.memberTok, body)
		if rec.Code != 201 {
			t.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body.String())
		}
		return decode[map[string]any](t, rec)["id"].(string)
	}
	sched := mustCreate("/api/v1/on-call-schedules", map[string]any{"name": "Primary", "timezone": "Europe/Berlin",
		"layers": []any{map[string]any{"rotation": "daily", "handoff_time": "13:30", "starts_at": "2026-11-24T13:30:00+01:00",
			"users": []string{f.member.ID, f.owner.ID}}}})
	policy := mustCreate("/api/v1/escalation-policies", map[string]any{"name": "Pager", "repeat": 1, "rules": []any{
		map[string]any{"delay_minutes": 45, "notify_type": "schedule", "notify_id": sched}}})
	svc := e.createHTTPService(f.memberTok, "API", "https://api.example.com")
	mustCreate("/api/v1/alert-rules", map[string]any{"name": "API down", "service_id": svc, "escalation_policy_id": policy})
	e.clock.Advance(-30 * time.Minute)
	e.record(f.owner.OrgID, svc, "RED") // fires at 11:31Z (12:31 Berlin)
	for _, step := range []struct {
		advance time.Duration
		want    []string
	}{
		{45 * time.Minute, []string{"member@example.com"}},                      // 12:16Z: before the handoff
		{95 * time.Minute, []string{"member@example.com", "owner@example.com"}}, // 13:51Z: the repeat, after it
	} {
		e.clock.Advance(step.advance)
		if _, err := e.deps.Alerter.RunDue(); err != nil {
			t.Fatal(err)
		}
		if _, err := outboxWorker(e).DeliverDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := mailedTo(t, capture); !slices.Equal(got, step.want) {
			t.Fatalf("at %v mailed %v, want %v", e.clock.Now(), got, step.want)
		}
	}
}
