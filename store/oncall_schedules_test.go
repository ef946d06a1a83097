package store

import (
	"errors"
	"testing"
)

func TestOnCallScheduleCRUDAndPolicyGuard(t *testing.T) {
	db := openTestDB(t)
	org, other := mustOrg(t, db, "ada"), mustOrg(t, db, "bob")
	s := &OnCallSchedule{Name: "Primary", Timezone: "Europe/Berlin", Layers: []OnCallLayer{{Name: "L1", Rotation: "daily", HandoffTime: "09:00", Users: []string{"u1"}}}}
	if err := db.CreateOnCallSchedule(org, s, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOnCallSchedule(org, &OnCallSchedule{Name: "primary"}, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate name: %v", err)
	}
	if _, err := db.OnCallSchedule(other, s.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org get: %v", err)
	}
	if _, err := db.UpdateOnCallSchedule(org, s.ID, func(x *OnCallSchedule) error {
		x.Overrides = append(x.Overrides, OnCallOverride{ID: "o1", UserID: "u2"})
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DeleteOnCallOverride(org, s.ID, "nope", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown override: %v", err)
	}
	if got, err := db.DeleteOnCallOverride(org, s.ID, "o1", nil); err != nil || len(got.Overrides) != 0 {
		t.Errorf("delete override = %+v, %v", got, err)
	}
	p := &EscalationPolicy{Name: "Ops", Rules: []EscalationStep{{Level: 1, NotifyType: EscalateToSchedule, NotifyID: s.ID}}}
	if err := db.CreateEscalationPolicy(org, p, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteOnCallSchedule(org, s.ID, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("delete of a paged schedule: %v", err)
	}
	if err := db.DeleteEscalationPolicy(org, p.ID, true, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteOnCallSchedule(other, s.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org delete: %v", err)
	}
	if err := db.DeleteOnCallSchedule(org, s.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateOnCallSchedule(org, &OnCallSchedule{Name: "Primary"}, nil); err != nil {
		t.Errorf("name not freed: %v", err)
	}
}

func TestCalendarTokenRotateRevoke(t *testing.T) {
	db := openTestDB(t)
	org := mustOrg(t, db, "ada")
	a, b := []byte("digest-a-0123456789012345678901"), []byte("digest-b-0123456789012345678901")
	if err := db.SetCalendarToken(org, "u1", nil, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke without a token: %v", err)
	}
	if err := db.SetCalendarToken(org, "u1", a, nil); err != nil {
		t.Fatal(err)
	}
	if o, u, err := db.CalendarOwner(a); err != nil || o != org || u != "u1" {
		t.Fatalf("owner = %q %q %v", o, u, err)
	}
	if err := db.SetCalendarToken(org, "u1", b, nil); err != nil { // rotate
		t.Fatal(err)
	}
	if _, _, err := db.CalendarOwner(a); !errors.Is(err, ErrNotFound) {
		t.Errorf("rotated-out token still works: %v", err)
	}
	if err := db.SetCalendarToken(org, "u1", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CalendarOwner(b); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoked token still works: %v", err)
	}
}
