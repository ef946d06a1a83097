package api

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
)

// Handoff notices: with handoff_notices on, the incoming person is mailed once when their
// shift begins; a pass with no handoff sends nothing, and a schedule without notices
// sends nothing either.
func TestHandoffNoticesMailTheIncomingPerson(t *testing.T) {
	capture := startSMTPCapture(t)
	e, f := newOrgEnv(t, capture.configure)
	for _, notices := range []bool{true, false} {
		name := "Quiet"
		if notices {
			name = "Primary"
		}
		rec := e.do("POST", "/api/v1/on-call-schedules", f.memberTok, map[string]any{"name": name, "timezone": "Europe/Berlin",
			"handoff_notices": notices, "layers": []any{map[string]any{"rotation": "daily", "handoff_time": "13:30",
				"starts_at": "2026-11-24T13:30:00+01:00", "users": []string{f.member.ID, f.owner.ID}}}})
		if rec.Code != 201 {
			t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
		}
	}
	worker := &alerting.HandoffNotices{Store: e.db, Now: e.clock.Now}
	pass := func(advance time.Duration, want ...string) {
		t.Helper()
		e.clock.Advance(advance)
		if _, err := worker.Scan(); err != nil {
			t.Fatal(err)
		}
		if _, err := outboxWorker(e).DeliverDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		if got := mailedTo(t, capture); !slices.Equal(got, want) {
			t.Fatalf("at %v mailed %v, want %v", e.clock.Now(), got, want)
		}
	}
	pass(0)                                                       // 12:00Z: the first pass only marks where it stands
	pass(20 * time.Minute)                                        // 12:20Z: no handoff yet
	pass(20*time.Minute, "owner@example.com")                     // 12:40Z: the 13:30 Berlin handoff passed
	pass(time.Minute, "owner@example.com")                        // nothing twice
	pass(24*time.Hour, "owner@example.com", "member@example.com") // next day 12:41Z: 11 minutes late is still news
	// After a pause of more than an hour, a handoff older than that is not announced.
	pass(25*time.Hour, "owner@example.com", "member@example.com")
	msgs := capture.messages(t)
	if !strings.HasSuffix(msgs[0].Subject, "You are on call in Primary") {
		t.Errorf("subject %q", msgs[0].Subject)
	}
}
