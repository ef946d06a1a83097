package store_test

import (
	"encoding/json"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// result is one check result of svc at the workload's clock.
func (w *workload) result(orgID string, svc *store.Service, status string) store.RecordItem {
	return store.RecordItem{OrgID: orgID, Result: store.CheckResult{ServiceID: svc.ID, CheckedAt: w.now, Status: status,
		ResponseTimeMS: 120, StatusCode: 200, Timings: store.Timings{DNS: 2 * time.Millisecond,
			Connect: 5 * time.Millisecond, TLS: 9 * time.Millisecond, FirstByte: 30 * time.Millisecond}}}
}

// minutes records one result per service and minute for n minutes, api's status given by
// apiStatus(minute) (db and batch stay GREEN), delivering and escalating as the workers
// would between groups.
func (w *workload) minutes(s *setup, n int, apiStatus func(int) string) {
	w.t.Helper()
	for i := range n {
		w.must(w.db.RecordResults([]store.RecordItem{w.result(s.org.ID, s.api, apiStatus(i)),
			w.result(s.org.ID, s.db, store.StatusGreen), w.result(s.org.ID, s.batch, store.StatusGreen)}))
		_, err := w.alerter.RunDue()
		w.must(err)
		w.deliver()
		w.advance(time.Minute)
	}
}

// monitoring records results (alerts open, escalate, are acknowledged, resolve; an
// incident follows the alert), heartbeats and maintenance, and delivers everything.
func (w *workload) monitoring(s *setup) {
	w.t.Helper()
	// Old history, written late (history only): the janitor deletes it in chunks later.
	var old []store.RecordItem
	for i := range 1500 {
		it := w.result(s.org.ID, s.batch, store.StatusGreen)
		it.Result.CheckedAt = w.now.Add(-10*24*time.Hour + time.Duration(i)*30*time.Second)
		old = append(old, it)
	}
	w.must(w.db.RecordResults(old))
	sandbox, err := w.db.Services(s.sandbox.ID)
	w.must(err)
	var boxed []store.RecordItem
	for i := range 1200 {
		it := w.result(s.sandbox.ID, &sandbox[0], store.StatusGreen)
		it.Result.CheckedAt = w.now.Add(-time.Duration(1200-i) * time.Minute)
		boxed = append(boxed, it)
	}
	w.must(w.db.RecordResults(boxed))

	// An outage of api: its alerts open (both rules), the incident opens, subscribers and
	// webhooks hear of it, the policy escalates, and the recovery resolves it all.
	w.minutes(s, 16, func(i int) string {
		if i >= 3 && i < 11 {
			return store.StatusRed
		}
		return store.StatusGreen
	})
	// A second outage is acknowledged, a third resolved by hand.
	w.minutes(s, 3, func(int) string { return store.StatusRed })
	open, _, err := w.db.Alerts(s.org.ID, store.AlertFilter{Status: "open"})
	w.must(err)
	if len(open) == 0 {
		w.t.Fatal("the outage opened no alert")
	}
	_, err = w.alerter.Acknowledge(s.org.ID, open[0].ID, s.owner.ID, "on it", audit("alert.acknowledged", "alert", open[0].ID))
	w.must(err)
	w.minutes(s, 3, func(int) string { return store.StatusGreen })
	w.minutes(s, 3, func(int) string { return store.StatusRed })
	open, _, err = w.db.Alerts(s.org.ID, store.AlertFilter{Status: "open"})
	w.must(err)
	for _, a := range open {
		_, err = w.alerter.Resolve(s.org.ID, a.ID, s.owner.ID, "fixed", audit("alert.resolved", "alert", a.ID))
		w.must(err)
	}
	// The org-wide rule deleted while its alert is open: the store closes the alert.
	w.minutes(s, 2, func(int) string { return store.StatusRed })
	w.must(w.db.DeleteAlertRule(s.org.ID, s.orgRule.ID, audit("alert_rule.deleted", "alert_rule", s.orgRule.ID)))
	w.minutes(s, 2, func(int) string { return store.StatusGreen })
	// A late result and one with a certificate.
	late := w.result(s.org.ID, s.api, store.StatusGreen)
	late.Result.CheckedAt = w.now.Add(-90 * time.Minute)
	cert := w.result(s.org.ID, s.db, store.StatusGreen)
	cert.Result.Certificate = &store.Certificate{Issuer: "CA", Subject: "db.example",
		ValidFrom: w.now.Add(-time.Hour), ValidTo: w.now.Add(90 * 24 * time.Hour)}
	w.must(w.db.RecordResults([]store.RecordItem{late, cert}))

	w.heartbeats(s)
	w.maintenance(s)
	w.incidents(s)
	w.outbox(s)
}

// heartbeats pings, misses a deadline (late, then down: an alert) and recovers.
func (w *workload) heartbeats(s *setup) {
	w.t.Helper()
	ping := func(key, kind string) store.PingItem {
		return store.PingItem{KeyDigest: crypto.Digest(key), Ping: store.Ping{Kind: kind, At: w.now, SourceIP: "192.0.2.7", UserAgent: "curl"}}
	}
	first := []store.PingItem{ping("hb-nightly", store.PingStart), ping("hb-paused", store.PingSuccess)}
	w.must(w.db.RecordPings(first, alerting.HeartbeatDeadline))
	w.advance(30 * time.Second)
	w.must(w.db.RecordPings([]store.PingItem{ping("hb-nightly", store.PingSuccess)}, alerting.HeartbeatDeadline))
	watcher := &alerting.HeartbeatWatcher{Store: w.db, Now: w.clock}
	for range 3 {
		w.advance(4 * time.Minute)
		_, err := watcher.Sweep()
		w.must(err)
	}
	w.deliver()
	w.must(w.db.RecordPings([]store.PingItem{ping("hb-nightly", store.PingSuccess)}, alerting.HeartbeatDeadline))
	w.deliver()
}

// maintenance runs the window: started and ended events, results inside it.
func (w *workload) maintenance(s *setup) {
	w.t.Helper()
	windows, err := w.db.MaintenanceWindows(s.org.ID)
	w.must(err)
	_, err = w.db.UpdateMaintenanceWindow(s.org.ID, windows[0].ID, func(mw *store.MaintenanceWindow) error {
		mw.Description = "minor version"
		return nil
	}, nil)
	w.must(err)
	events := &alerting.MaintenanceEvents{Store: w.db, Now: w.clock}
	w.now = windows[0].StartsAt.Add(time.Minute)
	_, err = events.Scan()
	w.must(err)
	w.must(w.db.RecordResults([]store.RecordItem{w.result(s.org.ID, s.db, store.StatusRed)}))
	w.advance(time.Minute)
	w.must(w.db.RecordResults([]store.RecordItem{w.result(s.org.ID, s.db, store.StatusRed)}))
	w.now = windows[0].EndsAt.Add(time.Minute)
	_, err = events.Scan()
	w.must(err)
	w.must(w.db.RecordResults([]store.RecordItem{w.result(s.org.ID, s.db, store.StatusGreen)}))
	w.deliver()
}

// incidents posts incidents by hand: updates, a postmortem, a deletion.
func (w *workload) incidents(s *setup) {
	w.t.Helper()
	inc := &store.Incident{Title: "Slow API", Severity: "minor", AffectedComponentIDs: []string{"c-api"}}
	w.must(w.db.CreateIncident(s.org.ID, s.page.ID, inc, store.IncidentUpdate{Status: store.IncidentInvestigating,
		Message: "Looking", CreatedBy: s.owner.ID}, audit("incident.created", "incident", "")))
	_, err := w.db.AddIncidentUpdate(s.org.ID, s.page.ID, inc.ID, store.IncidentUpdate{Status: store.IncidentResolved,
		Message: "Fixed", CreatedBy: s.owner.ID}, nil)
	w.must(err)
	_, err = w.db.UpdateIncident(s.org.ID, s.page.ID, inc.ID, func(i *store.Incident) error { i.Postmortem = "A cache."; return nil }, nil)
	w.must(err)
	oops := &store.Incident{Title: "Posted by mistake", Severity: "minor"}
	w.must(w.db.CreateIncident(s.org.ID, s.page.ID, oops, store.IncidentUpdate{Status: store.IncidentInvestigating, Message: "?"}, nil))
	w.must(w.db.DeleteIncident(s.org.ID, s.page.ID, oops.ID, audit("incident.deleted", "incident", oops.ID)))
	w.must(w.db.AppendAudit(s.org.ID, &store.AuditEntry{Event: "settings.viewed",
		Resource: store.AuditResource{Type: "organization", ID: s.org.ID}}))
	w.must(w.db.EmitEvent(s.org.ID, &store.Event{Name: "incident.updated", Data: map[string]any{"by": "hand"}}))
	w.deliver()
}

// outbox drives deliveries to the end: retries past the flaky receiver's failures, a
// direct e-mail without SMTP (dead letter) and a dead letter replayed.
func (w *workload) outbox(s *setup) {
	w.t.Helper()
	raw, err := json.Marshal(map[string]string{"Event": "alert.fired", "Title": "to an admin"})
	w.must(err)
	w.must(w.db.Enqueue(s.org.ID, &store.OutboxEntry{Kind: store.OutboxKindEmail, TargetID: "root@example.com",
		Event: "alert.fired", Notification: raw}))
	for range 5 {
		w.advance(2 * time.Minute)
		w.deliver()
	}
	dead, err := w.db.DeadLetters(s.org.ID)
	w.must(err)
	if len(dead) == 0 {
		w.t.Fatal("nothing was dead-lettered")
	}
	w.must(w.db.ReplayDeadLetter(s.org.ID, dead[0].ID, w.now, audit("delivery.retried", "delivery", dead[0].ID)))
	w.deliver()
}

// lifecycle deletes (a service and its history, a page, a heartbeat, a webhook, an
// organization in chunks) and lets the janitor expire what retention no longer keeps.
func (w *workload) lifecycle(s *setup) {
	w.t.Helper()
	w.must(w.db.DeleteService(s.org.ID, s.batch.ID, audit("service.deleted", "service", s.batch.ID)))
	w.must(w.db.PurgeServiceHistory(s.org.ID, s.batch.ID))
	spare := &store.StatusPage{Name: "Spare", Slug: "spare"}
	w.must(w.db.CreateStatusPage(s.org.ID, spare, nil))
	w.must(w.db.DeleteStatusPage(s.org.ID, spare.ID, audit("status_page.deleted", "status_page", spare.ID)))
	w.must(w.db.DeleteHeartbeat(s.org.ID, s.hbPaused.ID, nil))
	hooks, err := w.db.Webhooks(s.org.ID)
	w.must(err)
	w.must(w.db.DeleteWebhook(s.org.ID, hooks[len(hooks)-1].ID, nil))
	w.must(w.db.DeleteOrganization(s.sandbox.ID))
	w.mark("deletions")

	janitor := &store.Janitor{DB: w.db, Now: w.clock}
	w.advance(100 * 24 * time.Hour)
	w.must(janitor.Sweep())
	w.mark("a janitor sweep 100 days on")
	w.advance(3 * 365 * 24 * time.Hour)
	w.must(janitor.Sweep())
}
