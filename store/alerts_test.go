package store

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestAtMostOneOpenAlertPerRuleAndSubject(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	svc := mustCreateService(t, db, org.ID, "api")
	a := openAlertFor(t, db, org.ID, "r1", svc.ID)
	err := db.update("", nil, func(tx txn) error {
		return db.newAlertTx(tx).CreateAlert(&Alert{OrgID: org.ID, AlertRuleID: "r1", ServiceID: svc.ID})
	})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("second open alert: %v, want ErrConflict", err)
	}
	// Another rule on the same service may have its own.
	openAlertFor(t, db, org.ID, "r2", svc.ID)
	now := testEpoch.Add(time.Hour)
	got, err := db.UpdateAlert(org.ID, a.ID, func(_ *AlertTx, a *Alert) error {
		a.Status, a.ResolvedAt, a.ResolvedBy = AlertResolved, &now, ResolvedByAuto
		return nil
	}, nil)
	if err != nil || got.Status != AlertResolved {
		t.Fatalf("resolve: %+v %v", got, err)
	}
	// Resolved releases the slot: a new incident of r1 may open.
	b := openAlertFor(t, db, org.ID, "r1", svc.ID)
	_ = db.view(func(tx txn) error {
		open, err := db.newAlertTx(tx).OpenAlert(org.ID, "r1", svc.ID)
		if err != nil || open == nil || open.ID != b.ID {
			t.Errorf("OpenAlert = %+v, %v; want %s", open, err, b.ID)
		}
		return nil
	})
	if _, err := db.UpdateAlert(org.ID, "nope", func(*AlertTx, *Alert) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("update missing alert: %v", err)
	}
}

func TestAlertJSONFieldNames(t *testing.T) {
	raw, _ := json.Marshal(&Alert{ID: "x", Status: AlertFiring})
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	for _, k := range []string{"id", "organization_id", "alert_rule_id", "severity", "title", "message", "status",
		"fired_at", "acknowledged_at", "acknowledged_by", "resolved_at", "resolved_by", "last_check_at",
		"failure_count", "escalation_level", "notes"} {
		if _, ok := m[k]; !ok {
			t.Errorf("alert JSON lacks %q: %s", k, raw)
		}
	}
}

func TestAlertsFiltersAndCursor(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	s1, s2 := mustCreateService(t, db, org.ID, "one"), mustCreateService(t, db, org.ID, "two")
	var ids []string
	for i := range 5 {
		svc := s1
		if i%2 == 1 {
			svc = s2
		}
		a := openAlertFor(t, db, org.ID, "rule-"+string(rune('a'+i)), svc.ID)
		ids = append(ids, a.ID)
	}
	now := testEpoch.Add(time.Hour)
	if _, err := db.UpdateAlert(org.ID, ids[0], func(_ *AlertTx, a *Alert) error {
		a.Status, a.ResolvedAt = AlertResolved, &now
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateAlert(org.ID, ids[1], func(_ *AlertTx, a *Alert) error {
		a.Status, a.Severity = AlertAcknowledged, "warning"
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	list := func(f AlertFilter) []string {
		t.Helper()
		got, _, err := db.Alerts(org.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]string, len(got))
		for i, a := range got {
			out[i] = a.ID
		}
		return out
	}
	eq := func(name string, got, want []string) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s = %v, want %v", name, got, want)
			}
		}
	}
	eq("open", list(AlertFilter{}), []string{ids[4], ids[3], ids[2], ids[1]})
	eq("all", list(AlertFilter{Status: "all"}), []string{ids[4], ids[3], ids[2], ids[1], ids[0]})
	eq("resolved", list(AlertFilter{Status: "resolved"}), []string{ids[0]})
	eq("acknowledged", list(AlertFilter{Status: "ACKNOWLEDGED"}), []string{ids[1]})
	eq("service", list(AlertFilter{Status: "all", ServiceID: s2.ID}), []string{ids[3], ids[1]})
	eq("severity", list(AlertFilter{Severity: "warning"}), []string{ids[1]})
	eq("since", list(AlertFilter{Since: testEpoch.Add(time.Second)}), []string{})
	page, next, err := db.Alerts(org.ID, AlertFilter{Status: "all", Limit: 2})
	if err != nil || len(page) != 2 || next == "" {
		t.Fatalf("page 1 = %d alerts, cursor %q, %v", len(page), next, err)
	}
	eq("page 2", list(AlertFilter{Status: "all", Limit: 2, Cursor: next}), []string{ids[2], ids[1]})
	eq("open page 2", list(AlertFilter{Limit: 2, Cursor: next}), []string{ids[2], ids[1]})
	if _, _, err := db.Alerts(org.ID, AlertFilter{Cursor: "garbage"}); !errors.Is(err, ErrInvalidCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
	if got, _, _ := db.Alerts(other.ID, AlertFilter{Status: "all"}); len(got) != 0 {
		t.Fatalf("other org sees %d alerts", len(got))
	}
	if _, err := db.Alert(other.ID, ids[2]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other org's alert: %v", err)
	}
}

func TestAlertDueIndexFollowsTheAlertAndSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := Open(path, testOptions(Options{Now: tickClock()}))
	if err != nil {
		t.Fatal(err)
	}
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	svc := mustCreateService(t, db, org.ID, "api")
	a := openAlertFor(t, db, org.ID, "r1", svc.ID)
	esc, rem := testEpoch.Add(5*time.Minute), testEpoch.Add(30*time.Minute)
	if _, err := db.UpdateAlert(org.ID, a.ID, func(_ *AlertTx, a *Alert) error {
		a.NextEscalationAt, a.NextReminderAt = &esc, &rem
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTestDBAt(t, path, Options{Now: tickClock()})
	if next, ok, err := db.NextAlertDue(); err != nil || !ok || !next.Equal(esc) {
		t.Fatalf("NextAlertDue = %v %v %v, want %v", next, ok, err, esc)
	}
	if due, _ := db.DueAlerts(esc.Add(-time.Second), 0); len(due) != 0 {
		t.Fatalf("due before time: %+v", due)
	}
	due, _ := db.DueAlerts(rem, 0)
	if len(due) != 1 || due[0].AlertID != a.ID || due[0].OrgID != org.ID || !due[0].Due.Equal(esc) {
		t.Fatalf("DueAlerts = %+v (one entry per alert, earliest due)", due)
	}
	// Moving a due time in place replaces its index entry.
	if _, err := db.UpdateAlert(org.ID, a.ID, func(_ *AlertTx, a *Alert) error {
		*a.NextEscalationAt = esc.Add(time.Hour)
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	if next, _, _ := db.NextAlertDue(); !next.Equal(rem) {
		t.Fatalf("after moving: next due %v, want %v", next, rem)
	}
	// Acknowledging (or resolving) clears them.
	if _, err := db.UpdateAlert(org.ID, a.ID, func(_ *AlertTx, a *Alert) error {
		a.Status = AlertResolved
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.NextAlertDue(); ok {
		t.Fatal("a resolved alert is still due")
	}
}

func TestAlertTxEnqueueRollsBackWithTheTransaction(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	svc := mustCreateService(t, db, org.ID, "api")
	boom := errors.New("boom")
	committed := false
	err := db.update("", nil, func(tx txn) error {
		atx := db.newAlertTx(tx)
		atx.AfterCommit(func() { committed = true })
		if err := atx.CreateAlert(&Alert{OrgID: org.ID, AlertRuleID: "r", ServiceID: svc.ID}); err != nil {
			return err
		}
		e := &OutboxEntry{OrgID: org.ID, Kind: OutboxKindEmail, TargetID: "a@example.com", Notification: json.RawMessage(`{}`)}
		if err := atx.Enqueue(e); err != nil || !atx.Queued() {
			return errors.Join(err, errors.New("not queued"))
		}
		return boom
	})
	if !errors.Is(err, boom) || committed {
		t.Fatalf("update = %v, after-commit ran %v", err, committed)
	}
	if n, _ := db.OutboxDepth(); n != 0 {
		t.Fatalf("outbox depth %d after rollback", n)
	}
	if got, _, _ := db.Alerts(org.ID, AlertFilter{Status: "all"}); len(got) != 0 {
		t.Fatalf("%d alerts after rollback", len(got))
	}
}
