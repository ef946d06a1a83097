package store

import (
	"errors"
	"testing"
	"time"
)

// TestServiceReports checks what a report reads: services in creation order or in the
// order asked, rollup uptime over the window, and exactly the service alerts fired in
// [from, to) — not earlier or later ones, not heartbeat alerts, not another service's.
func TestServiceReports(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	s1, s2 := mustCreateService(t, db, org.ID, "one"), mustCreateService(t, db, org.ID, "two")
	from, to := testEpoch.Add(time.Hour), testEpoch.Add(3*time.Hour)
	alert := func(serviceID, heartbeatID, rule string, fired time.Time) {
		a := &Alert{OrgID: org.ID, AlertRuleID: rule, ServiceID: serviceID, HeartbeatID: heartbeatID,
			Severity: "critical", Status: AlertFiring, FiredAt: fired}
		if err := db.update("", nil, func(tx txn) error { return db.newAlertTx(tx).CreateAlert(a) }); err != nil {
			t.Fatal(err)
		}
	}
	alert(s1.ID, "", "before", from.Add(-time.Minute))
	alert(s1.ID, "", "first", from)
	alert(s2.ID, "", "other-service", from.Add(time.Minute))
	alert(s1.ID, "", "second", to.Add(-time.Nanosecond))
	alert(s1.ID, "", "at-end", to)
	alert("", "0190a0a0-0000-7000-8000-000000000001", "heartbeat", from.Add(time.Minute))
	items := []RecordItem{
		{OrgID: org.ID, Result: CheckResult{ServiceID: s1.ID, CheckedAt: from.Add(time.Minute), Status: StatusRed}},
		{OrgID: org.ID, Result: CheckResult{ServiceID: s1.ID, CheckedAt: from.Add(2 * time.Minute), Status: StatusGreen}},
	}
	if err := db.RecordResults(items); err != nil {
		t.Fatal(err)
	}

	got, err := db.ServiceReports(org.ID, nil, from, to)
	if err != nil || len(got) != 2 || got[0].Service.ID != s1.ID || got[1].Service.ID != s2.ID {
		t.Fatalf("all services: %v %+v", err, got)
	}
	var rules []string
	for _, a := range got[0].Alerts {
		rules = append(rules, a.AlertRuleID)
	}
	if len(rules) != 2 || rules[0] != "first" || rules[1] != "second" {
		t.Errorf("alerts of one = %v, want [first second]", rules)
	}
	if len(got[1].Alerts) != 1 || got[1].Alerts[0].AlertRuleID != "other-service" {
		t.Errorf("alerts of two = %+v", got[1].Alerts)
	}
	if u := got[0].Uptime; u.TotalChecks != 2 || u.FailedChecks != 1 || u.DownSeconds != 60 {
		t.Errorf("uptime of one = %+v, want 2 checks, 1 failed, 60 s down", u)
	}

	picked, err := db.ServiceReports(org.ID, []string{s2.ID, s1.ID}, from, to)
	if err != nil || len(picked) != 2 || picked[0].Service.ID != s2.ID {
		t.Fatalf("picked services: %v %+v", err, picked)
	}
	if _, err := db.ServiceReports(org.ID, []string{s1.ID, "nope"}, from, to); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown service: %v, want ErrNotFound", err)
	}
	if _, err := db.ServiceReports(other.ID, []string{s1.ID}, from, to); !errors.Is(err, ErrNotFound) {
		t.Errorf("another organization's service: %v, want ErrNotFound", err)
	}
	if db.Retention() != DefaultRetention() {
		t.Errorf("Retention() = %+v, want the defaults", db.Retention())
	}
}
