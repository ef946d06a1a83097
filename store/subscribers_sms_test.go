package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// pendingSMS is a new SMS subscriber whose code digest is named after tag.
func pendingSMS(pageID, phone, tag string, expires time.Time) *Subscriber {
	return &Subscriber{PageID: pageID, Type: SubscriberSMS, Phone: phone, Status: SubscriberPending,
		SMSCode: &SMSCode{Digest: digestOf("code-" + tag), ExpiresAt: expires}}
}

// The plan cap counts e-mail and SMS subscribers together; a STOP removes a number from
// every page texting through that channel and no other.
func TestSMSSubscribersShareTheCapAndStop(t *testing.T) {
	now := testEpoch
	db := openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: func() time.Time { return now }})
	org := mustOrg(t, db, "ada")
	pages := make([]*StatusPage, 3)
	for i, slug := range []string{"one", "two", "three"} {
		pages[i] = &StatusPage{Name: slug, Slug: slug, SMS: SMSSubscriptions{Enabled: true, ChannelID: "ch-a"}}
		if i == 2 {
			pages[i].SMS.ChannelID = "ch-b"
		}
		if err := db.CreateStatusPage(org, pages[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.AddSubscriber(org, pendingEmail(pages[0].ID, "ann@example.com", "a"), 4, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if out, err := db.AddSMSSubscriber(org, pendingSMS(p.ID, "+14155550100", p.Slug, now.Add(time.Hour)), 4, nil); err != nil || out != SubscriberCreated {
			t.Fatalf("add on %s = %v, %v", p.Slug, out, err)
		}
	}
	if _, err := db.AddSMSSubscriber(org, pendingSMS(pages[0].ID, "+14155550101", "x", now.Add(time.Hour)), 4, nil); !errors.Is(err, ErrPlanLimit) {
		t.Fatalf("fifth subscriber (one e-mail, three SMS before): %v", err)
	}
	if out, _, err := db.ConfirmSMSSubscriber(org, pages[0].ID, "+14155550100", digestOf("code-one"), nil); err != nil || out != SMSConfirmed {
		t.Fatalf("confirm = %v, %v", out, err)
	}
	removed, err := db.RemoveSMSNumber(org, "ch-a", "+14155550100", nil)
	if err != nil || len(removed) != 2 {
		t.Fatalf("STOP removed %d, %v", len(removed), err)
	}
	for i, want := range []int{1, 0, 1} { // ann on one; the ch-b page keeps the number
		if subs, err := db.Subscribers(org, pages[i].ID); err != nil || len(subs) != want {
			t.Fatalf("page %d: %d subscribers, %v", i, len(subs), err)
		}
	}
	// The freed places can be taken again.
	if _, err := db.AddSMSSubscriber(org, pendingSMS(pages[0].ID, "+14155550101", "y", now.Add(time.Hour)), 4, nil); err != nil {
		t.Fatalf("after STOP: %v", err)
	}
}
