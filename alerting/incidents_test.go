package alerting

import (
	"crypto/sha256"
	"encoding/json"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// autoIncidentPage makes a page with one component on svc and a confirmed e-mail
// subscriber, and installs a notifier that queues a plain e-mail entry per notice.
func (f *fixture) autoIncidentPage(svc *store.Service) *store.StatusPage {
	f.t.Helper()
	p := &store.StatusPage{Name: "Acme", Slug: "acme", IsPublic: true, SubscriptionsEnabled: true,
		Components: []store.Component{{ID: "comp-1", Name: "Public API", ServiceID: svc.ID}}}
	if err := f.db.CreateStatusPage(f.org.ID, p, nil); err != nil {
		f.t.Fatal(err)
	}
	confirm := sha256.Sum256([]byte("confirm"))
	unsub := sha256.Sum256([]byte("unsub"))
	sub := &store.Subscriber{PageID: p.ID, Type: store.SubscriberEmail, Email: "fan@example.com", Status: store.SubscriberPending,
		ConfirmDigest: confirm[:], UnsubscribeDigest: unsub[:]}
	if _, err := f.db.AddSubscriber(f.org.ID, sub, -1, nil); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.db.ConfirmSubscriber(confirm[:], nil); err != nil {
		f.t.Fatal(err)
	}
	f.notices = func(n *store.SubscriberNotice, s *store.Subscriber) (*store.OutboxEntry, error) {
		raw, _ := json.Marshal(map[string]string{"Title": n.Change.Incident.Title, "Summary": n.Change.Update.Message})
		return &store.OutboxEntry{Kind: store.OutboxKindEmail, TargetID: s.Email, Event: "incident." + n.Change.Kind, Notification: raw}, nil
	}
	return p
}

// A rule with create_status_page_incident opens an incident (in the alert's transaction)
// when its alert fires, and resolves it when the alert auto-resolves; the page's
// subscriber is told both times, and the public update carries no error text.
func TestAlertOpensAndResolvesStatusPageIncident(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	page := f.autoIncidentPage(svc)
	f.rule("API down", svc, 3, 1, func(r *store.AlertRule) {
		r.CreateStatusPageIncident = &store.IncidentTemplate{StatusPageID: page.ID, ComponentID: "comp-1", Severity: store.SeverityMajor}
	})
	f.check(store.StatusRed, svc)
	f.check(store.StatusRed, svc)
	if incs, _ := f.db.Incidents(f.org.ID, page.ID); len(incs) != 0 {
		t.Fatalf("incident before the alert fired: %+v", incs)
	}
	f.check(store.StatusRed, svc)
	al := f.alerts("open")
	if len(al) != 1 {
		t.Fatalf("open alerts: %d", len(al))
	}
	incs, err := f.db.Incidents(f.org.ID, page.ID)
	if err != nil || len(incs) != 1 {
		t.Fatalf("incidents = %+v, %v", incs, err)
	}
	inc := incs[0]
	if inc.Title != "API down" || inc.Status != store.IncidentInvestigating || inc.Severity != store.SeverityMajor ||
		inc.AlertID != al[0].ID || len(inc.AffectedComponentIDs) != 1 || inc.AffectedComponentIDs[0] != "comp-1" {
		t.Fatalf("incident: %+v", inc)
	}
	if msg := inc.Updates[0].Message; msg != "Check failed with status RED" || inc.Updates[0].CreatedBy != "system" {
		t.Fatalf("first update %q by %q: the error text must stay off the public page", msg, inc.Updates[0].CreatedBy)
	}
	f.check(store.StatusRed, svc) // still failing: no second incident
	f.check(store.StatusGreen, svc)
	if open := f.alerts("open"); len(open) != 0 {
		t.Fatalf("alert not resolved: %+v", open)
	}
	got, err := f.db.Incident(f.org.ID, page.ID, inc.ID)
	if err != nil || got.Status != store.IncidentResolved || got.ResolvedAt == nil || len(got.Updates) != 2 {
		t.Fatalf("incident after recovery: %+v, %v", got, err)
	}
	events := countByEvent(f.outbox())
	if events["email:incident.created"] != 1 || events["email:incident.resolved"] != 1 {
		t.Fatalf("subscriber e-mails: %v", events)
	}
}

// A responder's Resolve resolves the alert's incident too; an incident a member already
// resolved is left alone.
func TestAlertResolvedByHandResolvesIncident(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	page := f.autoIncidentPage(svc)
	f.rule("API down", svc, 1, 1, func(r *store.AlertRule) {
		r.CreateStatusPageIncident = &store.IncidentTemplate{StatusPageID: page.ID, ComponentID: "comp-1", Severity: store.SeverityMinor}
	})
	f.check(store.StatusRed, svc)
	al := f.alerts("open")[0]
	if _, err := f.al.Resolve(f.org.ID, al.ID, f.user.ID, "fixed", nil); err != nil {
		t.Fatal(err)
	}
	incs, _ := f.db.Incidents(f.org.ID, page.ID)
	if len(incs) != 1 || incs[0].Status != store.IncidentResolved {
		t.Fatalf("incidents: %+v", incs)
	}
	// Fires again: a new incident; a member resolves it first, then the alert recovers.
	f.check(store.StatusRed, svc)
	incs, _ = f.db.Incidents(f.org.ID, page.ID)
	if len(incs) != 2 || incs[0].Status != store.IncidentInvestigating {
		t.Fatalf("second incident: %+v", incs)
	}
	if _, err := f.db.AddIncidentUpdate(f.org.ID, page.ID, incs[0].ID, store.IncidentUpdate{Status: store.IncidentResolved, Message: "done"}, nil); err != nil {
		t.Fatal(err)
	}
	f.check(store.StatusGreen, svc)
	got, _ := f.db.Incident(f.org.ID, page.ID, incs[0].ID)
	if len(got.Updates) != 2 {
		t.Fatalf("already resolved incident got another update: %+v", got.Updates)
	}
}

// A heartbeat rule's alert opens and resolves its incident the same way (the heartbeat
// code calls HeartbeatFailed / HeartbeatRecovered inside its own transaction).
func TestHeartbeatAlertIncident(t *testing.T) {
	f := newFixture(t)
	svc := f.service("api")
	page := f.autoIncidentPage(svc)
	hb := Heartbeat{ID: "0196a3f0-0000-7000-8000-000000000002", Name: "nightly backup"}
	f.rule("Backup missed", nil, 1, 1, func(r *store.AlertRule) {
		r.HeartbeatID = hb.ID
		r.CreateStatusPageIncident = &store.IncidentTemplate{StatusPageID: page.ID, ComponentID: "comp-1", Severity: store.SeverityMinor}
	})
	for _, fail := range []bool{true, false} {
		err := f.db.WithAlertTx(func(tx *store.AlertTx) error {
			if fail {
				return f.al.HeartbeatFailed(tx, f.org.ID, hb, f.clock.Now(), "missed")
			}
			return f.al.HeartbeatRecovered(tx, f.org.ID, hb, f.clock.Now())
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	incs, _ := f.db.Incidents(f.org.ID, page.ID)
	if len(incs) != 1 || incs[0].Title != "Backup missed" || incs[0].Status != store.IncidentResolved ||
		incs[0].Updates[0].Message != "Heartbeat missed: no ping within its schedule and grace period" {
		t.Fatalf("heartbeat incident: %+v", incs)
	}
}
