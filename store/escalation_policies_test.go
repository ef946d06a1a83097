package store

import (
	"errors"
	"testing"
)

func TestEscalationPolicyCRUD(t *testing.T) {
	db := openTestDB(t)
	org, other := mustOrg(t, db, "ada"), mustOrg(t, db, "bob")
	p := &EscalationPolicy{Name: "Ops", Repeat: 1, Rules: []EscalationStep{
		{Level: 1, DelayMinutes: 0, NotifyType: EscalateToChannel, NotifyID: "c1"},
		{Level: 2, DelayMinutes: 15, NotifyType: EscalateToTeam, NotifyID: "t1"},
	}}
	if err := db.CreateEscalationPolicy(org, p, nil); err != nil {
		t.Fatal(err)
	}
	if p.ID == "" || p.OrgID != org || p.CreatedAt.IsZero() {
		t.Fatalf("create did not fill: %+v", p)
	}
	if err := db.CreateEscalationPolicy(org, &EscalationPolicy{Name: " ops "}, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate name: %v", err)
	}
	if err := db.CreateEscalationPolicy(other, &EscalationPolicy{Name: "Ops"}, nil); err != nil {
		t.Errorf("same name in another org: %v", err)
	}
	got, err := db.EscalationPolicy(org, p.ID)
	if err != nil || got.Name != "Ops" || len(got.Rules) != 2 || got.Rules[1].NotifyType != EscalateToTeam {
		t.Fatalf("get = %+v, %v", got, err)
	}
	if _, err := db.EscalationPolicy(other, p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org get: %v", err)
	}
	if err := db.DeleteEscalationPolicy(other, p.ID, true, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org delete: %v", err)
	}
	upd, err := db.UpdateEscalationPolicy(org, p.ID, func(e *EscalationPolicy) error {
		e.Name, e.ID, e.OrgID = "Night ops", "hijack", other
		return nil
	}, nil)
	if err != nil || upd.Name != "Night ops" || upd.ID != p.ID || upd.OrgID != org {
		t.Fatalf("update = %+v, %v", upd, err)
	}
	// The old name is free again, the new one taken.
	if err := db.CreateEscalationPolicy(org, &EscalationPolicy{Name: "night OPS"}, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("renamed name reuse: %v", err)
	}
	if err := db.CreateEscalationPolicy(org, &EscalationPolicy{Name: "Ops"}, nil); err != nil {
		t.Errorf("old name reuse: %v", err)
	}
	list, err := db.EscalationPolicies(org)
	if err != nil || len(list) != 2 {
		t.Fatalf("list = %v, %v", list, err)
	}

	// A rule naming the policy blocks the delete unless forced.
	err = db.update("", nil, func(tx txn) error {
		b, err := orgSub(tx, org, subAlertRules)
		if err != nil {
			return err
		}
		return b.Put([]byte("r1"), []byte(`{"name":"API down","escalation_policy_id":"`+p.ID+`"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteEscalationPolicy(org, p.ID, false, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("delete in use: %v", err)
	}
	if err := db.DeleteEscalationPolicy(org, p.ID, true, nil); err != nil {
		t.Fatalf("forced delete: %v", err)
	}
	if _, err := db.EscalationPolicy(org, p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted policy still there: %v", err)
	}
	if err := db.CreateEscalationPolicy(org, &EscalationPolicy{Name: "Night ops"}, nil); err != nil {
		t.Errorf("name not freed by delete: %v", err)
	}
}
