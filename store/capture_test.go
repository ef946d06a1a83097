package store

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
)

// captured opens a database that keeps every write set it captures, and the replica they
// are applied to by hand.
func captured(t *testing.T) (db *DB, sets *[]*WriteSet) {
	t.Helper()
	sets = new([]*WriteSet)
	db = openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: tickClock(),
		Capture: func(ws *WriteSet) error {
			*sets = append(*sets, ws)
			return nil
		}})
	return db, sets
}

// applyAll applies sets to db in order.
func applyAll(t *testing.T, db *DB, sets []*WriteSet) {
	t.Helper()
	for i, ws := range sets {
		if err := db.ApplyWriteSet(roundTrip(t, ws)); err != nil {
			t.Fatalf("set %d: %v", i, err)
		}
	}
}

// Capture sees each write once, with its Change: a member's removal, its audit entry and
// its webhook event's delivery are one set, and the sets of everything since Open rebuild
// the database on a replica.
func TestCaptureSeesEveryWriteWithItsChange(t *testing.T) {
	f := &changeFixture{}
	var sets []*WriteSet
	f.db = openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: tickClock(),
		Capture: func(ws *WriteSet) error {
			sets = append(sets, ws)
			return nil
		}})
	if len(sets) == 0 {
		t.Fatal("Open's migrations were not captured")
	}
	_, f.org, _ = mustRegister(t, f.db, "owner@example.com", "Owner")
	f.member, _, _ = mustRegister(t, f.db, "member@example.com", "Member")
	if err := f.db.AddMember(f.org.ID, &Membership{UserID: f.member.ID, Role: "member"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateWebhook(f.org.ID, &Webhook{Events: []string{"member.removed"}, Enabled: true}, nil); err != nil {
		t.Fatal(err)
	}
	before := len(sets)
	if err := f.db.RemoveMember(f.org.ID, f.member.ID, f.removal()); err != nil {
		t.Fatal(err)
	}
	if n := len(sets) - before; n != 1 {
		t.Fatalf("RemoveMember was captured as %d sets, want 1", n)
	}
	var touched []string
	for _, m := range sets[before].Mutations() {
		if len(m.Bucket) == 3 && m.Kind != MutationFillPercent {
			touched = append(touched, m.Kind.String()+" "+string(m.Bucket[2]))
		}
	}
	for _, want := range []string{"delete " + subMembers, "put " + subAudit, "put " + subOutbox} {
		if !slices.Contains(touched, want) {
			t.Errorf("the removal's set has no %q: %v", want, touched)
		}
	}
	replica := openReplica(t)
	applyAll(t, replica, sets)
	sameContents(t, f.db, replica)
}

// An error from Capture is the write's: nothing of the write, its entry or its event is
// committed.
func TestCaptureErrorAbortsTheCommit(t *testing.T) {
	refuse := errors.New("the cluster has no quorum (injected)")
	var fail bool
	f := &changeFixture{}
	f.db = openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: tickClock(),
		Capture: func(*WriteSet) error {
			if fail {
				return refuse
			}
			return nil
		}})
	_, f.org, _ = mustRegister(t, f.db, "owner@example.com", "Owner")
	f.member, _, _ = mustRegister(t, f.db, "member@example.com", "Member")
	if err := f.db.AddMember(f.org.ID, &Membership{UserID: f.member.ID, Role: "member"}, nil); err != nil {
		t.Fatal(err)
	}
	commits := f.commits(t)
	fail = true
	if err := f.db.RemoveMember(f.org.ID, f.member.ID, f.removal()); !errors.Is(err, refuse) {
		t.Fatalf("RemoveMember = %v, want the capture's error", err)
	}
	if member, audit, outbox := f.state(t); !member || audit != 0 || outbox != 0 {
		t.Fatalf("after the refused capture: member %v, %d audit entries, %d deliveries; want true, 0, 0", member, audit, outbox)
	}
	if n := f.commits(t) - commits; n != 0 {
		t.Fatalf("a refused capture committed %d transactions", n)
	}
}

// A replica that cached an organization's rules (as the recorder's transactions do)
// sees a rule that arrives by ApplyWriteSet: the replay drops the cache as the rule
// writer did.
func TestApplyWriteSetDropsTheCachedRulesItChanges(t *testing.T) {
	db, sets := captured(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	svc := mustCreateService(t, db, org.ID, "api")
	if err := db.CreateAlertRule(org.ID, &AlertRule{Name: "first", ServiceID: svc.ID, Enabled: true}, nil); err != nil {
		t.Fatal(err)
	}
	replica := openReplica(t)
	applyAll(t, replica, *sets)
	rules := func() []string {
		var names []string
		// A write transaction, as the recorder's: only those fill the cache.
		err := replica.update("", nil, func(tx txn) error {
			rs, err := replica.newAlertTx(tx).ServiceRules(org.ID, svc.ID)
			for _, r := range rs {
				names = append(names, r.Name)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return names
	}
	if names := rules(); !slices.Equal(names, []string{"first"}) {
		t.Fatalf("the replica's rules: %v", names)
	}
	done := len(*sets)
	if err := db.CreateAlertRule(org.ID, &AlertRule{Name: "second", ServiceID: svc.ID, Enabled: true}, nil); err != nil {
		t.Fatal(err)
	}
	applyAll(t, replica, (*sets)[done:])
	if names := rules(); len(names) != 2 {
		t.Fatalf("the replica's rules after the second was replayed: %v", names)
	}
	sameContents(t, db, replica)
}
