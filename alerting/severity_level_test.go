package alerting

import (
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// checkTook records one result of svc with its response time and reason, then advances
// the clock a minute.
func (f *fixture) checkTook(svc *store.Service, status string, ms int, reason string) {
	f.t.Helper()
	r := store.CheckResult{ServiceID: svc.ID, CheckedAt: f.clock.Now(), Status: status, ResponseTimeMS: ms,
		StatusCode: 200, Error: reason}
	if err := f.db.RecordResults([]store.RecordItem{{OrgID: f.org.ID, Result: r}}); err != nil {
		f.t.Fatal(err)
	}
	f.clock.Add(time.Minute)
}

// thresholdService is a service with response_time_warning 1 000 and critical 1 200.
func (f *fixture) thresholdService(name string) *store.Service {
	f.t.Helper()
	svc := f.service(name)
	got, err := f.db.UpdateService(f.org.ID, svc.ID, func(s *store.Service) error {
		s.ResponseTimeWarningMS, s.ResponseTimeCriticalMS = 1000, 1200
		return nil
	}, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return got
}

// firedTo counts the alert.fired notifications queued for channel id, by severity.
func (f *fixture) firedTo(id string) map[string]int {
	out := map[string]int{}
	for _, e := range f.outbox() {
		if e.TargetID == id && e.Event == eventFired {
			out[e.N.Severity]++
		}
	}
	return out
}

// The default rule follows the response-time thresholds: warning-level results (YELLOW
// over response_time_warning) count as failures and open a warning alert; a critical one
// (RED over response_time_critical) escalates it to critical, telling the channels again —
// a channel that takes only critical alerts for the first time — and it never falls back
// while open.
func TestDefaultRuleSeverityFollowsResponseTimeThresholds(t *testing.T) {
	f := newFixture(t)
	svc := f.thresholdService("web")
	all := f.channel("everything")
	pager := f.channel("pager", "critical")

	f.checkTook(svc, store.StatusYellow, 1100, "slow: 1 100 ms > 1 000 ms")
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("%d alerts after one slow check, want 0 (the default rule wants 2 in a row)", n)
	}
	f.checkTook(svc, store.StatusYellow, 1150, "slow: 1 150 ms > 1 000 ms")
	open := f.alerts("open")
	if len(open) != 1 || open[0].Severity != "warning" || open[0].AlertRuleID != store.DefaultRuleID ||
		open[0].Message != "Check failed with status YELLOW: slow: 1 150 ms > 1 000 ms" {
		t.Fatalf("after two warning-level results: %+v", open)
	}
	if got := f.firedTo(all.ID); got["warning"] != 1 || len(got) != 1 {
		t.Fatalf("everything channel: %v, want one warning", got)
	}
	if got := f.firedTo(pager.ID); len(got) != 0 {
		t.Fatalf("critical-only channel told of a warning: %v", got)
	}

	f.checkTook(svc, store.StatusRed, 1500, "slow: 1 500 ms > 1 200 ms")
	open = f.alerts("open")
	if len(open) != 1 || open[0].Severity != "critical" || open[0].FailureCount != 3 ||
		open[0].Message != "Check failed with status RED: slow: 1 500 ms > 1 200 ms" {
		t.Fatalf("after a critical-level result: %+v", open)
	}
	if got := f.firedTo(pager.ID); got["critical"] != 1 || len(got) != 1 {
		t.Fatalf("critical-only channel: %v, want one critical", got)
	}
	if got := f.firedTo(all.ID); got["warning"] != 1 || got["critical"] != 1 {
		t.Fatalf("everything channel: %v, want the warning and the escalation", got)
	}

	before := len(f.outbox())
	f.checkTook(svc, store.StatusYellow, 1100, "slow: 1 100 ms > 1 000 ms")
	if open = f.alerts("open"); len(open) != 1 || open[0].Severity != "critical" || len(f.outbox()) != before {
		t.Fatalf("a warning after critical: %+v, %d notifications (was %d)", open, len(f.outbox()), before)
	}
	f.checkTook(svc, store.StatusGreen, 300, "")
	if open = f.alerts("open"); len(open) != 0 {
		t.Fatalf("not resolved by a fast check: %+v", open)
	}
}

// Straight to critical: two RED slow results open a critical alert at once, whatever the
// organization's default severity; an ordinary failure keeps that default.
func TestDefaultRuleOpensCriticalOnCriticalResponseTimes(t *testing.T) {
	f := newFixture(t)
	if _, err := f.db.UpdateOrganization(f.org.ID, func(o *store.Organization) error {
		o.Settings.AlertDefaults.Severity = "info"
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	svc := f.thresholdService("api")
	f.channel("ops")
	refused := f.thresholdService("refused")
	f.checkTook(refused, store.StatusRed, 2, "connection refused")
	f.checkTook(refused, store.StatusRed, 2, "connection refused")
	if open := f.alerts("open"); len(open) != 1 || open[0].Severity != "info" {
		t.Fatalf("after two refusals: %+v (want the organization's default severity)", open)
	}
	f.checkTook(svc, store.StatusRed, 1500, "slow: 1 500 ms > 1 200 ms")
	f.checkTook(svc, store.StatusRed, 1600, "slow: 1 600 ms > 1 200 ms")
	var got []store.Alert
	for _, a := range f.alerts("open") {
		if a.ServiceID == svc.ID {
			got = append(got, a)
		}
	}
	if len(got) != 1 || got[0].Severity != "critical" {
		t.Fatalf("after two critical-level results: %+v", got)
	}
}

// What has no level keeps the old behaviour: a YELLOW under the warning threshold (a
// certificate warning of a fast check) is no failure of the default rule, and a rule
// someone wrote keeps the severity and statuses it names.
func TestResponseTimeLevelsLeaveOtherResultsAndRulesAlone(t *testing.T) {
	f := newFixture(t)
	svc := f.thresholdService("cert")
	f.channel("ops")
	for range 3 {
		f.checkTook(svc, store.StatusYellow, 80, "certificate expires in 12 days")
	}
	if n := len(f.alerts("all")); n != 0 {
		t.Fatalf("%d alerts from fast YELLOW results, want 0", n)
	}

	own := f.thresholdService("own")
	f.rule("slow or down", own, 1, 1, func(r *store.AlertRule) {
		r.Severity, r.Condition.Statuses = "info", []string{"RED", "YELLOW"}
	})
	f.checkTook(own, store.StatusYellow, 1100, "slow: 1 100 ms > 1 000 ms")
	f.checkTook(own, store.StatusRed, 1500, "slow: 1 500 ms > 1 200 ms")
	var mine []store.Alert
	for _, a := range f.alerts("open") {
		if a.ServiceID == own.ID {
			mine = append(mine, a)
		}
	}
	if len(mine) != 1 || mine[0].Severity != "info" || mine[0].FailureCount != 2 {
		t.Fatalf("own rule's alerts: %+v (want one, its own severity)", mine)
	}
}

func TestResultLevel(t *testing.T) {
	svc := &store.Service{ResponseTimeWarningMS: 1000, ResponseTimeCriticalMS: 1200}
	for _, c := range []struct {
		status string
		ms     int
		want   string
	}{
		{store.StatusYellow, 1001, "warning"},
		{store.StatusYellow, 1000, ""}, // at the threshold is not over it
		{store.StatusRed, 1201, "critical"},
		{store.StatusRed, 30, ""},     // refused, not slow
		{store.StatusGreen, 5000, ""}, // the probe said it passed
	} {
		if got := resultLevel(svc, c.status, c.ms); got != c.want {
			t.Errorf("resultLevel(%s, %d) = %q, want %q", c.status, c.ms, got, c.want)
		}
	}
	if got := resultLevel(&store.Service{}, store.StatusRed, 99999); got != "" {
		t.Errorf("no thresholds: %q", got)
	}
}
