package api

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// Outbox entries of kind email (escalation to users and teams, the instance admin's
// notices) are mailed through the instance SMTP server; without one they fail for good.
func TestDestinationsSendEmailEntriesThroughInstanceSMTP(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	capture := startSMTPCapture(t)
	cfg := *e.cfg
	capture.configure(&cfg)
	dest := &notify.Destinations{Store: e.db, Opener: e.deps.Sealer, Deps: notify.NewDeps(e.deps.Guard, instanceSMTP(&cfg), "test")}
	worker := &notify.OutboxSender{Store: e.db, Resolve: dest.Resolve, Now: e.clock.Now,
		OnDelivered: dest.OnDelivered, OnPermanent: dest.OnPermanent}
	raw, _ := json.Marshal(notify.Notification{Event: "alert.fired", Severity: "critical", Title: "API Triggered by Check",
		Summary: "Escalation level 2: API is down", OrgID: owner.OrgID})
	entry := &store.OutboxEntry{Kind: store.OutboxKindEmail, TargetID: "carol@example.com", Event: "alert.fired", Notification: raw}
	if err := e.db.Enqueue(owner.OrgID, entry); err != nil {
		t.Fatal(err)
	}
	if n, err := worker.DeliverDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	msgs := capture.messages(t)
	if len(msgs) != 1 || len(msgs[0].To) != 1 || msgs[0].To[0] != "carol@example.com" || !strings.Contains(msgs[0].Subject, "API") {
		t.Fatalf("mails: %+v", msgs)
	}

	noSMTP := &notify.Destinations{Store: e.db, Deps: notify.NewDeps(e.deps.Guard, nil, "test")}
	_, err := noSMTP.Resolve(entry)
	var de *notify.DeliveryError
	if !errors.As(err, &de) || !de.Permanent || !strings.Contains(err.Error(), "no SMTP configured") {
		t.Fatalf("without SMTP: %v, want a permanent \"no SMTP configured\"", err)
	}
}
