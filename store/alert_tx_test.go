package store

import (
	"errors"
	"testing"
	"time"
)

func TestAlertEvaluatorSharesOneViewPerBatch(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch)
	svcs := createServices(t, db, org.ID, 2, time.Minute)
	own := &AlertRule{ServiceID: svcs[0].ID, Name: "own", Enabled: true}
	wide := &AlertRule{Name: "wide", Enabled: true}
	off := &AlertRule{ServiceID: svcs[0].ID, Name: "off"}
	for _, r := range []*AlertRule{own, wide, off} {
		if err := db.CreateAlertRule(org.ID, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	var views []*AlertTx
	var rules [][]string
	db.alerts.Result = func(tx *AlertTx, ev *ResultEvent) error {
		views = append(views, tx)
		if ev.OrgID != org.ID || ev.Service == nil || ev.Result == nil || ev.ProbeStatus != ev.Result.Status {
			t.Errorf("event %+v", ev)
		}
		rs, err := tx.ServiceRules(ev.OrgID, ev.Service.ID)
		var names []string
		for _, r := range rs {
			names = append(names, r.Name)
		}
		rules = append(rules, names)
		return err
	}
	mustRecord(t, db, result(org.ID, svcs[0].ID, seriesEpoch, StatusGreen, 10), result(org.ID, svcs[1].ID, seriesEpoch, StatusRed, 10))
	mustRecord(t, db, result(org.ID, svcs[0].ID, seriesEpoch.Add(time.Minute), StatusGreen, 10))
	if len(views) != 3 || views[0] != views[1] || views[1] == views[2] {
		t.Fatalf("views per result: %p — want one per batch", views)
	}
	if len(rules[0]) != 2 || rules[0][0] != "own" || rules[0][1] != "wide" || len(rules[1]) != 1 || rules[1][0] != "wide" {
		t.Fatalf("applicable rules = %v", rules)
	}
	// The rules are cached across batches until a rule changes.
	late := &AlertRule{ServiceID: svcs[1].ID, Name: "late", Enabled: true}
	if err := db.CreateAlertRule(org.ID, late, nil); err != nil {
		t.Fatal(err)
	}
	mustRecord(t, db, result(org.ID, svcs[1].ID, seriesEpoch.Add(time.Minute), StatusGreen, 10))
	if got := rules[len(rules)-1]; len(got) != 2 || got[0] != "late" {
		t.Fatalf("rules after a new rule: %v, want [late wide]", got)
	}
	if _, err := db.UpdateAlertRule(org.ID, wide.ID, func(r *AlertRule) error { r.Enabled = false; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	mustRecord(t, db, result(org.ID, svcs[1].ID, seriesEpoch.Add(2*time.Minute), StatusGreen, 10))
	if got := rules[len(rules)-1]; len(got) != 1 || got[0] != "late" {
		t.Fatalf("rules after disabling the org-wide rule: %v", got)
	}
	if err := db.DeleteAlertRule(org.ID, late.ID, nil); err != nil {
		t.Fatal(err)
	}
	mustRecord(t, db, result(org.ID, svcs[1].ID, seriesEpoch.Add(3*time.Minute), StatusGreen, 10))
	if got := rules[len(rules)-1]; len(got) != 0 {
		t.Fatalf("rules after deleting: %v", got)
	}
	// An evaluator error aborts the batch.
	db.alerts.Result = func(*AlertTx, *ResultEvent) error { return errors.New("boom") }
	if err := db.RecordResults([]RecordItem{result(org.ID, svcs[0].ID, seriesEpoch.Add(5*time.Minute), StatusRed, 1)}); err == nil {
		t.Fatal("evaluator error not returned")
	}
}

func TestAlertTxLookups(t *testing.T) {
	db := openTestDB(t)
	admin, adminOrg, _ := mustRegister(t, db, "root@example.com", "Root")
	bob, org, _ := mustRegister(t, db, "bob@example.com", "Bob")
	carol, _, _ := mustRegister(t, db, "carol@example.com", "Carol")
	if err := db.AddMember(org.ID, &Membership{UserID: carol.ID, Role: "member"}, nil); err != nil {
		t.Fatal(err)
	}
	team := mustCreateTeam(t, db, org.ID, "ops")
	for _, u := range []*User{bob, carol} {
		if _, err := db.AddTeamMember(org.ID, team.ID, u.ID, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateChannel(org.ID, &NotificationChannel{Name: "mail", Type: "email", Enabled: true}, nil); err != nil {
		t.Fatal(err)
	}
	_ = db.view(func(tx txn) error {
		atx := db.newAlertTx(tx)
		ids, err := atx.TeamMemberIDs(org.ID, team.ID)
		if err != nil || len(ids) != 2 {
			t.Errorf("TeamMemberIDs = %v, %v", ids, err)
		}
		if e, err := atx.MemberEmail(org.ID, carol.ID); err != nil || e != "carol@example.com" {
			t.Errorf("MemberEmail = %q, %v", e, err)
		}
		if _, err := atx.MemberEmail(org.ID, admin.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("non-member e-mail: %v", err)
		}
		u, orgID, err := atx.InstanceAdmin()
		if err != nil || u.ID != admin.ID || orgID != adminOrg.ID {
			t.Errorf("InstanceAdmin = %v %q %v", u, orgID, err)
		}
		if chs, err := atx.Channels(org.ID); err != nil || len(chs) != 1 {
			t.Errorf("Channels = %v, %v", chs, err)
		}
		if o, err := atx.Org(org.ID); err != nil || o.Settings.AlertDefaults.ConsecutiveFailures != 2 {
			t.Errorf("Org = %+v, %v", o, err)
		}
		if _, err := atx.Org("nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing org: %v", err)
		}
		return nil
	})
}

func TestAlertTxEmitReachesSinksInTheTransaction(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	var got []string
	db.eventSinks = append(db.eventSinks, func(tx txn, orgID string, ev *Event) error {
		if !tx.Writable() || orgID != org.ID || ev.At.IsZero() {
			t.Errorf("sink got writable=%v org=%s at=%v", tx.Writable(), orgID, ev.At)
		}
		got = append(got, ev.Name)
		return nil
	})
	err := db.WithAlertTx(func(tx *AlertTx) error {
		return tx.Emit(org.ID, &Event{Name: "monitor.down", Data: map[string]any{}})
	})
	if err != nil || len(got) != 1 || got[0] != "monitor.down" {
		t.Fatalf("Emit: %v, sinks saw %v", err, got)
	}
}
