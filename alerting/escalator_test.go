package alerting

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// escalationFixture: a service with a rule (no channels of its own) escalating to channel
// "pager" at once, team "ops" (two members) after 10 minutes and user carol after 20.
type escalationFixture struct {
	*fixture
	svc       *store.Service
	pager     *store.NotificationChannel
	policy    *store.EscalationPolicy
	alertRule *store.AlertRule
}

func newEscalationFixture(t *testing.T, repeat int) *escalationFixture {
	f := &escalationFixture{fixture: newFixture(t)}
	f.svc = f.service("api")
	f.pager = f.channel("pager")
	bob, _ := f.register("bob@example.com", "Bob")
	carol, _ := f.register("carol@example.com", "Carol")
	team := &store.Team{Name: "ops"}
	if err := f.db.CreateTeam(f.org.ID, team, nil); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*store.User{bob, carol} {
		if err := f.db.AddMember(f.org.ID, &store.Membership{UserID: u.ID, Role: "responder"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.AddTeamMember(f.org.ID, team.ID, u.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	f.policy = &store.EscalationPolicy{Name: "default", Repeat: repeat, Rules: []store.EscalationStep{
		{Level: 2, DelayMinutes: 10, NotifyType: store.EscalateToTeam, NotifyID: team.ID},
		{Level: 1, DelayMinutes: 0, NotifyType: store.EscalateToChannel, NotifyID: f.pager.ID},
		{Level: 3, DelayMinutes: 20, NotifyType: store.EscalateToUser, NotifyID: carol.ID},
	}}
	if err := f.db.CreateEscalationPolicy(f.org.ID, f.policy, nil); err != nil {
		t.Fatal(err)
	}
	// The rule notifies only a channel that does not exist, so every queued entry here
	// comes from escalation.
	f.alertRule = f.fixture.rule("API down", f.svc, 1, 1, func(r *store.AlertRule) {
		r.EscalationPolicyID, r.ChannelIDs = f.policy.ID, []string{"00000000-0000-0000-0000-000000000000"}
	})
	return f
}

// escalations lists the destinations queued so far, in queue order.
func (f *escalationFixture) escalations() []string {
	var out []string
	for _, e := range f.outbox() {
		if e.Event == "alert.fired" {
			out = append(out, e.TargetID)
		}
	}
	slices.Sort(out)
	return out
}

func (f *escalationFixture) runDue(at time.Time) {
	f.t.Helper()
	f.clock.Set(at)
	if _, err := f.al.RunDue(); err != nil {
		f.t.Fatal(err)
	}
}

func TestEscalationStepsFireWhileUnacknowledgedAndAckStopsThem(t *testing.T) {
	f := newEscalationFixture(t, 0)
	fired := f.clock.Now()
	f.check(store.StatusRed, f.svc)
	if got := f.escalations(); !slices.Equal(got, []string{f.pager.ID}) {
		t.Fatalf("at once: %v, want the level-1 channel in the opening transaction", got)
	}
	a := f.alerts("open")[0]
	if a.EscalationLevel != 1 || a.NextEscalationAt == nil || !a.NextEscalationAt.Equal(fired.Add(10*time.Minute)) {
		t.Fatalf("after level 1: level %d next %v", a.EscalationLevel, a.NextEscalationAt)
	}
	f.runDue(fired.Add(9 * time.Minute))
	if n := len(f.escalations()); n != 1 {
		t.Fatalf("escalated early: %d", n)
	}
	f.runDue(fired.Add(10 * time.Minute))
	want := []string{"bob@example.com", "carol@example.com", f.pager.ID}
	slices.Sort(want)
	if got := f.escalations(); !slices.Equal(got, want) {
		t.Fatalf("after 10 min: %v, want %v", got, want)
	}
	for _, e := range f.outbox() {
		if e.TargetID == "bob@example.com" && e.Kind != store.OutboxKindEmail {
			t.Fatalf("team member queued as %s", e.Kind)
		}
	}
	f.runDue(fired.Add(11 * time.Minute)) // nothing new due
	if n := len(f.escalations()); n != 3 {
		t.Fatalf("a step fired twice: %d entries", n)
	}

	acked, err := f.al.Acknowledge(f.org.ID, a.ID, f.user.ID, "on it", nil)
	if err != nil || acked.Status != store.AlertAcknowledged || acked.AcknowledgedBy != f.user.ID ||
		acked.NextEscalationAt != nil || len(acked.Notes) != 1 {
		t.Fatalf("Acknowledge = %+v, %v", acked, err)
	}
	if _, ok, _ := f.db.NextAlertDue(); ok {
		t.Fatal("acknowledged alert still has due times")
	}
	f.runDue(fired.Add(30 * time.Minute))
	if n := len(f.escalations()); n != 3 {
		t.Fatalf("escalated after acknowledge: %d entries", n)
	}

	// 409 semantics.
	if _, err := f.al.Acknowledge(f.org.ID, a.ID, f.user.ID, "", nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("acknowledge twice: %v", err)
	}
	if _, err := f.al.Resolve(f.org.ID, a.ID, f.user.ID, "fixed", nil); err != nil {
		t.Fatal(err)
	}
	for _, act := range []func(string, string, string, string, *store.Change) (*store.Alert, error){f.al.Acknowledge, f.al.Resolve} {
		if _, err := act(f.org.ID, a.ID, f.user.ID, "", nil); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("acting on a resolved alert: %v, want ErrConflict", err)
		}
	}
	if got, err := f.al.AddNote(f.org.ID, a.ID, f.user.ID, "post-mortem"); err != nil || len(got.Notes) != 3 {
		t.Fatalf("note on resolved alert: %+v, %v", got, err)
	}
	if _, err := f.al.AddNote(f.org.ID, a.ID, f.user.ID, "  "); !errors.Is(err, ErrEmptyNote) {
		t.Fatalf("empty note: %v", err)
	}
	_, eveOrg := f.register("mallory@example.com", "Mallory")
	if _, err := f.al.Acknowledge(eveOrg.ID, a.ID, f.user.ID, "", nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another organization's alert: %v", err)
	}
}

func TestEscalationRepeatsThePolicy(t *testing.T) {
	f := newEscalationFixture(t, 1)
	fired := f.clock.Now()
	f.check(store.StatusRed, f.svc)
	// Steps at 0, 10, 20; the repeat run starts one gap (10 min) after the last step.
	for _, m := range []int{10, 20, 30, 40, 50, 120} {
		f.runDue(fired.Add(time.Duration(m) * time.Minute))
	}
	got := f.escalations()
	if len(got) != 2*4 { // pager, bob+carol, carol — twice
		t.Fatalf("after the policy and one repeat: %d entries %v, want 8", len(got), got)
	}
	if a := f.alerts("open")[0]; a.NextEscalationAt != nil || a.EscalationCycle != 1 {
		t.Fatalf("after the last repeat: next %v cycle %d", a.NextEscalationAt, a.EscalationCycle)
	}
}

func TestDueEscalationFiresOnceAcrossRestart(t *testing.T) {
	f := newEscalationFixture(t, 0)
	fired := f.clock.Now()
	f.check(store.StatusRed, f.svc)
	f.restart()
	f.runDue(fired.Add(10 * time.Minute))
	f.restart()
	f.runDue(fired.Add(10 * time.Minute))
	if got := f.escalations(); len(got) != 3 {
		t.Fatalf("after restarts: %v, want level 1 and the team once", got)
	}
}

func TestRemindersWhileFiring(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	f.channel("ops")
	f.rule("API down", svc, 1, 1, func(r *store.AlertRule) { r.ReminderIntervalMinutes = 30 })
	fired := f.clock.Now()
	f.check(store.StatusRed, svc)
	run := func(at time.Duration) {
		f.clock.Set(fired.Add(at))
		if _, err := f.al.RunDue(); err != nil {
			t.Fatal(err)
		}
	}
	run(29 * time.Minute)
	run(30 * time.Minute)
	run(95 * time.Minute) // two intervals passed: one reminder, not a burst
	if c := countByEvent(f.outbox()); c["channel:alert.reminder"] != 2 {
		t.Fatalf("reminders: %v, want 2", c)
	}
	a := f.alerts("open")[0]
	if a.NextReminderAt == nil || !a.NextReminderAt.Equal(fired.Add(120*time.Minute)) {
		t.Fatalf("next reminder %v", a.NextReminderAt)
	}
	if _, err := f.al.Acknowledge(f.org.ID, a.ID, f.user.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	run(200 * time.Minute)
	c := countByEvent(f.outbox())
	if c["channel:alert.reminder"] != 2 || c["channel:alert.acknowledged"] != 1 {
		t.Fatalf("after acknowledge: %v", c)
	}
}

func TestRunDeliversDueEscalationsAndStopsWithItsContext(t *testing.T) {
	f := newEscalationFixture(t, 0)
	fired := f.clock.Now()
	f.check(store.StatusRed, f.svc)
	wakes := f.wakes.Load()
	f.clock.Set(fired.Add(15 * time.Minute)) // the team step is overdue when Run starts
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f.al.Run(ctx) }()
	for len(f.escalations()) < 3 {
		if ctx.Err() != nil {
			t.Fatalf("Run did not escalate: %v", f.escalations())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if f.wakes.Load() <= wakes {
		t.Fatal("the outbox sender was not woken after the escalation committed")
	}
}

// TestImmediateEscalationToARuleChannelIsNotDoubled: a level-1, delay-0 step naming a
// channel the rule itself notifies posts the alert once when it fires, not twice; the
// same channel named again by a later step is still re-paged.
func TestImmediateEscalationToARuleChannelIsNotDoubled(t *testing.T) {
	f := newEscalationFixture(t, 0)
	if _, err := f.db.UpdateAlertRule(f.org.ID, f.alertRule.ID, func(r *store.AlertRule) error {
		r.ChannelIDs = []string{f.pager.ID}
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	fired := f.clock.Now()
	f.check(store.StatusRed, f.svc)
	if got := f.escalations(); !slices.Equal(got, []string{f.pager.ID}) {
		t.Fatalf("at firing: %v, want the pager channel once", got)
	}
	if a := f.alerts("open")[0]; a.EscalationLevel != 1 {
		t.Fatalf("the skipped step still counts as done: level %d", a.EscalationLevel)
	}
	f.runDue(fired.Add(10 * time.Minute))
	if n := len(f.escalations()); n != 3 {
		t.Fatalf("after level 2: %d entries, want 3 (pager once, the two team members)", n)
	}
}
