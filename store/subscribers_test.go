package store

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// pendingEmail is a new e-mail subscriber with tokens named after tag.
func pendingEmail(pageID, email, tag string) *Subscriber {
	return &Subscriber{PageID: pageID, Type: SubscriberEmail, Email: email, Status: SubscriberPending,
		ConfirmDigest: digestOf("confirm-" + tag), UnsubscribeDigest: digestOf("unsub-" + tag)}
}

func TestSubscriberLifecycle(t *testing.T) {
	now := testEpoch
	db := openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: func() time.Time { return now }})
	org, other := mustOrg(t, db, "ada"), mustOrg(t, db, "bob")
	p := &StatusPage{Name: "Acme", Slug: "acme"}
	if err := db.CreateStatusPage(org, p, nil); err != nil {
		t.Fatal(err)
	}
	s := pendingEmail(p.ID, "Ann@Example.com", "a")
	if out, err := db.AddSubscriber(org, s, 2, nil); err != nil || out != SubscriberCreated || s.ID == "" {
		t.Fatalf("add = %v, %v, %+v", out, err, s)
	}
	// The same address (any case) again while pending: nothing at first (the confirmation
	// just went out), renewed with the new confirm token a few minutes later.
	if out, err := db.AddSubscriber(org, pendingEmail(p.ID, "ANN@example.com", "a1"), 2, nil); err != nil || out != SubscriberPendingRecent {
		t.Fatalf("immediate resubscribe = %v, %v", out, err)
	}
	now = now.Add(confirmResendInterval)
	again := pendingEmail(p.ID, "ann@example.COM", "a2")
	if out, err := db.AddSubscriber(org, again, 2, nil); err != nil || out != SubscriberRenewed || again.ID != s.ID {
		t.Fatalf("resubscribe pending = %v, %v, %+v", out, err, again)
	}
	if _, err := db.ConfirmSubscriber(digestOf("confirm-a"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("old confirm token still works: %v", err)
	}
	if _, err := db.ConfirmSubscriber(digestOf("unsub-a"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unsubscribe token confirms: %v", err)
	}
	got, err := db.ConfirmSubscriber(digestOf("confirm-a2"), nil)
	if err != nil || got.Status != SubscriberConfirmed || got.ConfirmedAt == nil {
		t.Fatalf("confirm = %+v, %v", got, err)
	}
	if _, err := db.ConfirmSubscriber(digestOf("confirm-a2"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("confirm link works twice: %v", err)
	}
	// Confirmed: a resubscribe changes nothing.
	if out, err := db.AddSubscriber(org, pendingEmail(p.ID, "ann@example.com", "a3"), 2, nil); err != nil || out != SubscriberExisting {
		t.Fatalf("resubscribe confirmed = %v, %v", out, err)
	}
	// The cap counts the organization's subscribers, in the write transaction.
	if _, err := db.AddSubscriber(org, pendingEmail(p.ID, "bo@example.com", "b"), 2, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddSubscriber(org, pendingEmail(p.ID, "cy@example.com", "c"), 2, nil); !errors.Is(err, ErrPlanLimit) {
		t.Fatalf("over the cap: %v", err)
	}
	// Tenant isolation.
	if _, err := db.Subscriber(other, p.ID, s.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org get: %v", err)
	}
	if err := db.DeleteSubscriber(other, p.ID, s.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org delete: %v", err)
	}
	if _, err := db.Subscribers(other, p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org list: %v", err)
	}
	// Unsubscribe removes the subscriber and frees the address.
	if gone, err := db.Unsubscribe(digestOf("unsub-a"), nil); err != nil || gone.ID != s.ID {
		t.Fatalf("unsubscribe = %+v, %v", gone, err)
	}
	if _, err := db.Unsubscribe(digestOf("unsub-a"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unsubscribe twice: %v", err)
	}
	if list, _ := db.Subscribers(org, p.ID); len(list) != 1 || list[0].Email != "bo@example.com" {
		t.Fatalf("left: %+v", list)
	}
	// Deleting the page deletes its subscribers and their tokens.
	if err := db.DeleteStatusPage(org, p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Unsubscribe(digestOf("unsub-b"), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("token of a deleted page's subscriber: %v", err)
	}
	q := &StatusPage{Name: "Q", Slug: "q"}
	if err := db.CreateStatusPage(org, q, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddSubscriber(org, pendingEmail(q.ID, "bo@example.com", "b"), 2, nil); err != nil {
		t.Fatalf("cap not freed by the page deletion: %v", err)
	}
}

// The incident hook queues one entry per confirmed subscriber, for posted updates only.
func TestIncidentNotifiesConfirmedSubscribers(t *testing.T) {
	db := openTestDB(t)
	org := mustOrg(t, db, "ada")
	p := &StatusPage{Name: "Acme", Slug: "acme", SubscriptionsEnabled: true}
	if err := db.CreateStatusPage(org, p, nil); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"a", "b"} {
		if _, err := db.AddSubscriber(org, pendingEmail(p.ID, e+"@example.com", e), -1, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ConfirmSubscriber(digestOf("confirm-a"), nil); err != nil {
		t.Fatal(err)
	}
	db.subscribers = func(n *SubscriberNotice, s *Subscriber) (*OutboxEntry, error) {
		raw, _ := json.Marshal(map[string]string{"kind": n.Change.Kind, "to": s.Email})
		return &OutboxEntry{Kind: OutboxKindEmail, TargetID: s.Email, Event: "subscriber.incident", Notification: raw}, nil
	}
	inc := &Incident{Title: "Down", Severity: SeverityMajor}
	if err := db.CreateIncident(org, p.ID, inc, IncidentUpdate{Status: IncidentInvestigating, Message: "m"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateIncident(org, p.ID, inc.ID, func(i *Incident) error { i.Title = "Slow"; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddIncidentUpdate(org, p.ID, inc.ID, IncidentUpdate{Status: IncidentResolved, Message: "ok"}, nil); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueOutbox(db.stamp().Add(1e12), 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range due {
		if e.TargetID != "a@example.com" {
			t.Errorf("queued for %s (pending)", e.TargetID)
		}
		var m map[string]string
		_ = json.Unmarshal(e.Notification, &m)
		kinds = append(kinds, m["kind"])
	}
	if len(kinds) != 2 || kinds[0] != IncidentKindCreated || kinds[1] != IncidentKindResolved {
		t.Fatalf("queued %v, want [created resolved]", kinds)
	}
	// Subscriptions turned off: nothing more is queued.
	if _, err := db.UpdateStatusPage(org, p.ID, func(s *StatusPage) error { s.SubscriptionsEnabled = false; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddIncidentUpdate(org, p.ID, inc.ID, IncidentUpdate{Status: IncidentMonitoring, Message: "again"}, nil); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.DueOutbox(db.stamp().Add(1e12), 100); len(again) != len(due) {
		t.Fatalf("queued with subscriptions off: %d entries, want %d", len(again), len(due))
	}
}

// Deleting the organization removes its entries from the global token index.
func TestDeleteOrganizationDropsSubscriberTokens(t *testing.T) {
	db := openTestDB(t)
	org := mustOrg(t, db, "ada")
	p := &StatusPage{Name: "Acme", Slug: "acme"}
	if err := db.CreateStatusPage(org, p, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddSubscriber(org, pendingEmail(p.ID, "a@example.com", "z"), -1, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteOrganization(org); err != nil {
		t.Fatal(err)
	}
	err := db.view(func(tx txn) error {
		if n := tx.Bucket([]byte(bucketIdxSubscriberToken)).Stats().KeyN; n != 0 {
			t.Errorf("%d token index entries left", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
