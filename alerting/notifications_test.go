package alerting

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestRuleChannelsAndSeverityFilters(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	all := f.channel("everything")
	critOnly := f.channel("pager", "CRITICAL")
	infoOnly := f.channel("chat", "info")
	off := f.channel("off")
	if _, err := f.db.UpdateChannel(f.org.ID, off.ID, func(c *store.NotificationChannel) error { c.Enabled = false; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	f.rule("warn", svc, 1, 1, func(r *store.AlertRule) { r.Severity = "warning" })
	f.rule("crit to chat", svc, 1, 1, func(r *store.AlertRule) { r.ChannelIDs = []string{infoOnly.ID, critOnly.ID} })
	f.check(store.StatusRed, svc)
	got := map[string][]string{}
	for _, e := range f.outbox() {
		got[e.N.Rule] = append(got[e.N.Rule], e.TargetID)
	}
	if w := got["warn"]; len(w) != 1 || w[0] != all.ID {
		t.Errorf("warning alert went to %v, want only the unfiltered enabled channel", w)
	}
	if c := got["crit to chat"]; len(c) != 1 || c[0] != critOnly.ID {
		t.Errorf("critical alert with channel_ids went to %v, want only the critical channel among them", c)
	}
}

func TestExpressionNarrowsTheFailure(t *testing.T) {
	f := newFixture(t)
	svc := f.service("slow")
	f.rule("slow", svc, 1, 1, func(r *store.AlertRule) {
		r.Condition.Statuses = []string{"GREEN", "YELLOW", "RED"}
		r.Condition.Expression = "response_time > 500 && !body_contains(\"maintenance\")"
	})
	record := func(ms int, body string) {
		items := f.results(store.StatusYellow, svc)
		items[0].Result.ResponseTimeMS = ms
		items[0].Result.Facts = &store.ResultFacts{Body: []byte(body)}
		if err := f.db.RecordResults(items); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Minute)
	}
	record(400, "ok")
	record(900, "down for maintenance")
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("expression false, yet %d alerts", n)
	}
	record(900, "ok")
	if n := len(f.alerts("open")); n != 1 {
		t.Fatalf("expression true: %d open alerts, want 1", n)
	}
	record(100, "ok")
	if n := len(f.alerts("open")); n != 0 {
		t.Fatal("a result failing the expression did not count as a pass")
	}
}

func TestDeletingARuleResolvesItsAlertWithNotice(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	f.channel("pagerduty")
	r := f.rule("down", svc, 1, 1)
	f.check(store.StatusRed, svc)
	if err := f.db.DeleteAlertRule(f.org.ID, r.ID, nil); err != nil {
		t.Fatal(err)
	}
	if c := countByEvent(f.outbox()); c["channel:alert.resolved"] != 1 {
		t.Fatalf("deleting the rule queued %v, want the resolve notice (PagerDuty closes the incident)", c)
	}
	a := f.alerts("all")[0]
	if a.Status != store.AlertResolved || a.ResolvedBy != store.ResolvedByRuleDeleted {
		t.Fatalf("alert after rule delete: %+v", a)
	}
	// With the rule gone the default rule covers the service again, from a fresh streak.
	f.check(store.StatusRed, svc)
	if n := len(f.alerts("open")); n != 0 {
		t.Fatalf("default rule opened after one RED: %d", n)
	}
}

func TestAcknowledgeAndResolveNotifyWithTheSameDedupKey(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	f.channel("pagerduty")
	f.rule("down", svc, 1, 1)
	f.check(store.StatusRed, svc)
	a := f.alerts("open")[0]
	if _, err := f.al.Acknowledge(f.org.ID, a.ID, f.user.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.al.Resolve(f.org.ID, a.ID, f.user.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, e := range f.outbox() {
		keys[e.Event] = e.N.DedupKey
	}
	if len(keys) != 3 || keys["alert.fired"] == "" || keys["alert.acknowledged"] != keys["alert.fired"] || keys["alert.resolved"] != keys["alert.fired"] {
		t.Fatalf("dedup keys by event: %v", keys)
	}
	// A manual resolve clears the streak: a service still down opens again only after a
	// new streak (here 1 failure), and as a new alert.
	f.check(store.StatusRed, svc)
	if open := f.alerts("open"); len(open) != 1 || open[0].ID == a.ID {
		t.Fatalf("after manual resolve and RED: %+v", open)
	}
}

func TestNoRecoveryNoticeButIncidentTrackersStillResolve(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	chat := f.channel("chat")
	pd := &store.NotificationChannel{Name: "pd", Type: "pagerduty", Enabled: true, Config: map[string]any{}}
	if err := f.db.CreateChannel(f.org.ID, pd, nil); err != nil {
		t.Fatal(err)
	}
	f.rule("quiet", svc, 1, 1, func(r *store.AlertRule) { r.NotifyOnRecovery = false })
	f.check(store.StatusRed, svc)
	f.check(store.StatusGreen, svc)
	resolved := map[string]bool{}
	for _, e := range f.outbox() {
		if e.Event == "alert.resolved" {
			resolved[e.TargetID] = true
		}
	}
	if !resolved[pd.ID] || resolved[chat.ID] {
		t.Fatalf("alert.resolved went to %v; want PagerDuty only (it must close its incident)", resolved)
	}
}

func TestAlertsOfDeletedServicesAreResolved(t *testing.T) {
	f := newFixture(t)
	gone, kept := f.service("gone"), f.service("kept")
	f.channel("pagerduty")
	f.rule("down", nil, 1, 1)
	f.check(store.StatusRed, gone, kept)
	if err := f.db.DeleteService(f.org.ID, gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	n, err := f.al.ResolveOrphans()
	if err != nil || n != 1 {
		t.Fatalf("ResolveOrphans = %d, %v; want 1", n, err)
	}
	open := f.alerts("open")
	if len(open) != 1 || open[0].ServiceID != kept.ID {
		t.Fatalf("open after the sweep: %+v", open)
	}
	all := f.alerts("resolved")
	if len(all) != 1 || all[0].ResolvedBy != ResolvedByServiceDeleted {
		t.Fatalf("resolved: %+v", all)
	}
	if c := countByEvent(f.outbox()); c["channel:alert.resolved"] != 1 {
		t.Fatalf("queued %v, want one resolve notice", c)
	}
	if n, _ := f.al.ResolveOrphans(); n != 0 {
		t.Fatalf("second sweep resolved %d", n)
	}
}
