package store

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// mustCreateRule stores an enabled rule for serviceID ("" = org-wide).
func mustCreateRule(t *testing.T, db *DB, orgID, serviceID, name string) *AlertRule {
	t.Helper()
	r := &AlertRule{ServiceID: serviceID, Name: name, Severity: "critical", Enabled: true,
		Condition: AlertCondition{Statuses: []string{"RED"}, ConsecutiveFailures: 1, ConsecutiveSuccesses: 1}}
	if err := db.CreateAlertRule(orgID, r, nil); err != nil {
		t.Fatalf("CreateAlertRule(%s): %v", name, err)
	}
	return r
}

// openAlertFor opens an alert of rule on svc through the transaction view.
func openAlertFor(t *testing.T, db *DB, orgID, ruleID, serviceID string) *Alert {
	t.Helper()
	a := &Alert{OrgID: orgID, AlertRuleID: ruleID, ServiceID: serviceID, Severity: "critical",
		Title: "r Triggered by Check", FiredAt: testEpoch}
	err := db.update("", nil, func(tx txn) error { return db.newAlertTx(tx).CreateAlert(a) })
	if err != nil {
		t.Fatalf("CreateAlert: %v", err)
	}
	return a
}

func TestAlertRuleCRUDAndJSON(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	svc := mustCreateService(t, db, org.ID, "api")
	own := mustCreateRule(t, db, org.ID, svc.ID, "API down")
	wide := mustCreateRule(t, db, org.ID, "", "anything down")
	if own.ID == "" || own.OrgID != org.ID || own.CreatedAt.IsZero() || own.ChannelIDs == nil {
		t.Fatalf("created rule not filled: %+v", own)
	}
	raw, _ := json.Marshal(own)
	for _, field := range []string{`"organization_id"`, `"service_id"`, `"consecutive_failures":1`, `"channel_ids":[]`,
		`"escalation_policy_id"`, `"notify_on_recovery"`, `"reminder_interval_minutes"`, `"create_status_page_incident"`} {
		if !strings.Contains(string(raw), field) {
			t.Errorf("rule JSON %s lacks %s", raw, field)
		}
	}
	if all, _ := db.AlertRules(org.ID, ""); len(all) != 2 {
		t.Fatalf("AlertRules(all) = %d rules, want 2", len(all))
	}
	if mine, _ := db.AlertRules(org.ID, svc.ID); len(mine) != 1 || mine[0].ID != own.ID {
		t.Fatalf("AlertRules(service) = %+v", mine)
	}
	if _, err := db.AlertRule(other.ID, own.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other org's rule: %v", err)
	}
	upd, err := db.UpdateAlertRule(org.ID, wide.ID, func(r *AlertRule) error {
		r.ID, r.Name, r.Severity = "hijack", "renamed", "warning"
		return nil
	}, nil)
	if err != nil || upd.ID != wide.ID || upd.Name != "renamed" || !upd.CreatedAt.Equal(wide.CreatedAt) {
		t.Fatalf("UpdateAlertRule = %+v, %v", upd, err)
	}
	boom := errors.New("boom")
	if _, err := db.UpdateAlertRule(org.ID, wide.ID, func(*AlertRule) error { return boom }, nil); !errors.Is(err, boom) {
		t.Fatalf("fn error = %v", err)
	}
	if err := db.DeleteAlertRule(other.ID, own.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete via other org: %v", err)
	}
	if err := db.DeleteAlertRule(org.ID, own.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AlertRule(org.ID, own.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted rule: %v", err)
	}
}

func TestDeleteAlertRuleResolvesItsAlertsAndCounters(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	svc := mustCreateService(t, db, org.ID, "api")
	rule := mustCreateRule(t, db, org.ID, svc.ID, "API down")
	a := openAlertFor(t, db, org.ID, rule.ID, svc.ID)
	err := db.update("", nil, func(tx txn) error {
		return db.newAlertTx(tx).PutRuleState(org.ID, rule.ID, svc.ID, RuleState{Failures: 3})
	})
	if err != nil {
		t.Fatal(err)
	}
	var closed []string
	db.alerts.Closed = func(_ *AlertTx, a *Alert) error { closed = append(closed, a.ID); return nil }
	if err := db.DeleteAlertRule(org.ID, rule.ID, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Alert(org.ID, a.ID)
	if got.Status != AlertResolved || got.ResolvedBy != ResolvedByRuleDeleted || got.ResolvedAt == nil {
		t.Fatalf("alert after rule delete: %+v", got)
	}
	if len(closed) != 1 || closed[0] != a.ID {
		t.Fatalf("closer told of %v", closed)
	}
	_ = db.view(func(tx txn) error {
		atx := db.newAlertTx(tx)
		if s, _ := atx.RuleState(org.ID, rule.ID, svc.ID); s != (RuleState{}) {
			t.Errorf("counters left: %+v", s)
		}
		if open, _ := atx.OpenAlert(org.ID, rule.ID, svc.ID); open != nil {
			t.Errorf("open index left: %+v", open)
		}
		return nil
	})
}

func TestNewRuleTakesOverFromDefaultRule(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	svc := mustCreateService(t, db, org.ID, "api")
	def := openAlertFor(t, db, org.ID, DefaultRuleID, svc.ID)
	rule := mustCreateRule(t, db, org.ID, svc.ID, "own rule")
	if got, _ := db.Alert(org.ID, def.ID); got.Status != AlertResolved || got.ResolvedBy != ResolvedByRuleChanged {
		t.Fatalf("default alert after own rule: %+v", got)
	}
	a := openAlertFor(t, db, org.ID, rule.ID, svc.ID)
	if _, err := db.UpdateAlertRule(org.ID, rule.ID, func(r *AlertRule) error { r.Enabled = false; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Alert(org.ID, a.ID); got.Status != AlertResolved || got.ResolvedBy != ResolvedByRuleChanged {
		t.Fatalf("alert of a disabled rule: %+v", got)
	}
}

func TestRuleStateCodec(t *testing.T) {
	for _, s := range []RuleState{{}, {Failures: 1}, {Successes: 300}, {Failures: 1 << 20, Successes: 7}} {
		got, err := decodeRuleState(appendRuleState(nil, s))
		if err != nil || got != s {
			t.Errorf("round trip %+v = %+v, %v", s, got, err)
		}
	}
	for _, bad := range [][]byte{nil, {1}, {2, 0, 0}, {1, 0x80, 0x80}} {
		if _, err := decodeRuleState(bad); err == nil {
			t.Errorf("decode %x: no error", bad)
		}
	}
	_ = time.Second
}
