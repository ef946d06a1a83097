package api

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/internal/pdftext"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/reports"
	"github.com/alertifypro/alertifypro/store"
)

// mailFiles returns the attachments of raw message number i the capture received, by
// file name, decoded.
func (s *smtpCapture) mailFiles(t *testing.T, i int) map[string][]byte {
	t.Helper()
	s.mu.Lock()
	raw := s.raw[i]
	s.mu.Unlock()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/mixed" {
		t.Fatalf("Content-Type %q (%v), want multipart/mixed", mt, err)
	}
	files := map[string][]byte{}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return files
		} else if err != nil {
			t.Fatal(err)
		}
		if part.FileName() == "" {
			continue
		}
		body, _ := io.ReadAll(part)
		if files[part.FileName()], err = base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\r\n", "")); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScheduledMonthlyReportArrivesAsPDF is SPEC §11's scheduled report end to end: a
// monthly report in Europe/Berlin is not due before 08:00 on the first business day of
// December; then the worker queues one e-mail per recipient and moves the report to
// January in one write; a second pass sends nothing; the real outbox sender mails both
// through a real SMTP server on loopback; and the attached PDF, read back with
// pdftotext, names each service with the uptime the JSON report gives for November.
func TestScheduledMonthlyReportArrivesAsPDF(t *testing.T) {
	f := newSLAFixture(t) // November history; clock at 2026-11-25 19:00 UTC
	e := f.e
	rec := e.do("POST", "/api/v1/scheduled-reports", f.owner.Token, map[string]any{"name": "Monthly SLA",
		"frequency": "monthly", "timezone": "Europe/Berlin", "recipients": []string{"boss@example.com", "ops@example.com"}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	id := decode[map[string]any](t, rec)["id"].(string)
	sched := &reports.Scheduler{Store: e.db, Now: e.clock.Now}

	e.clock.Advance(time.Date(2026, 12, 1, 6, 59, 59, 0, time.UTC).Sub(e.clock.Now())) // 07:59:59 in Berlin
	if n, err := sched.RunDue(t.Context()); n != 0 || err != nil {
		t.Fatalf("before 08:00: RunDue = %d, %v", n, err)
	}
	e.clock.Advance(2 * time.Second)
	if n, err := sched.RunDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("at 08:00: RunDue = %d, %v", n, err)
	}
	r, err := e.db.ScheduledReport(f.owner.OrgID, id)
	if err != nil || r.LastRunAt == nil || !r.NextRunAt.Equal(time.Date(2027, 1, 1, 7, 0, 0, 0, time.UTC)) || r.LastError != "" {
		t.Fatalf("after the run: %+v %v", r, err)
	}
	if n, err := sched.RunDue(t.Context()); n != 0 || err != nil {
		t.Fatalf("second pass: RunDue = %d, %v (a run must not send twice)", n, err)
	}

	capture := startSMTPCapture(t)
	cfg := *e.cfg
	capture.configure(&cfg)
	dest := &notify.Destinations{Store: e.db, Opener: e.deps.Sealer, Deps: notify.NewDeps(e.deps.Guard, instanceSMTP(&cfg), "test")}
	sender := &notify.OutboxSender{Store: e.db, Resolve: dest.Resolve, Now: e.clock.Now, OnDelivered: dest.OnDelivered, OnPermanent: dest.OnPermanent}
	if n, err := sender.DeliverDue(t.Context()); n != 2 || err != nil {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	msgs := capture.messages(t)
	if len(msgs) != 2 {
		t.Fatalf("%d e-mails, want 2", len(msgs))
	}
	var to []string
	for i, m := range msgs {
		to = append(to, m.To...)
		if !strings.Contains(m.Subject, "Monthly SLA: SLA report 1 Nov 2026 – 30 Nov 2026") ||
			!strings.Contains(m.Text, "Checkout: 86.333 % uptime, 2 incident(s), target 99.9 % missed") {
			t.Errorf("e-mail %d: %q\n%s", i, m.Subject, m.Text)
		}
		files := capture.mailFiles(t, i)
		pdf := files["sla-report-2026-11-01.pdf"]
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("e-mail %d attachments: %d files, no sla-report-2026-11-01.pdf", i, len(files))
		}
		text := pdftext.Extract(t, pdf)
		for _, want := range []string{"SLA report", "Europe/Berlin", "1 Nov 2026 – 30 Nov 2026", "1 Dec 2026 08:00 CET",
			"Checkout", "Docs", "uptime 86.333 %", "uptime 100 %"} {
			if !strings.Contains(text, want) {
				t.Errorf("PDF of e-mail %d lacks %q:\n%s", i, want, text)
			}
		}
		if !strings.Contains(strings.Join(strings.Fields(text), " "), "Checkout 86.333 99.9 no 2 41m 0s 29m 0s 4m 0s 19m 0s 1h 0m") {
			t.Errorf("PDF table row of Checkout is not the JSON report's figures:\n%s", text)
		}
	}
	if strings.Join(to, ",") != "boss@example.com,ops@example.com" && strings.Join(to, ",") != "ops@example.com,boss@example.com" {
		t.Errorf("recipients %v", to)
	}
}

// TestScheduledReportMissedRunsSendOnlyTheLatest: after downtime across three monthly
// run times, one pass sends one report — February's, the latest missed run's period —
// and schedules the next run after now.
func TestScheduledReportMissedRunsSendOnlyTheLatest(t *testing.T) {
	f := newSLAFixture(t)
	e := f.e
	rec := e.do("POST", "/api/v1/scheduled-reports", f.owner.Token, map[string]any{"name": "r", "format": "json",
		"frequency": "monthly", "timezone": "UTC", "recipients": []string{"boss@example.com"}})
	id := decode[map[string]any](t, rec)["id"].(string)
	e.clock.Advance(time.Date(2027, 3, 15, 12, 0, 0, 0, time.UTC).Sub(e.clock.Now())) // missed Dec, Jan, Feb, Mar
	sched := &reports.Scheduler{Store: e.db, Now: e.clock.Now}
	if n, err := sched.RunDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	due, err := e.db.DueOutbox(e.clock.Now(), 100)
	if err != nil || len(due) != 1 || !strings.Contains(string(due[0].Notification), "2027-02-01") {
		t.Fatalf("queued %d e-mails (%v), want one for February", len(due), err)
	}
	r, _ := e.db.ScheduledReport(f.owner.OrgID, id)
	if !r.NextRunAt.Equal(time.Date(2027, 4, 1, 8, 0, 0, 0, time.UTC)) { // 1 Apr 2027 is a Thursday
		t.Errorf("next run %s", r.NextRunAt)
	}
}

// TestScheduledReportRunIsOneWrite: a run rendered for a report that moved meanwhile
// (edited, or completed by another pass) writes nothing — no e-mail, no change.
func TestScheduledReportRunIsOneWrite(t *testing.T) {
	f := newSLAFixture(t)
	e := f.e
	rec := e.do("POST", "/api/v1/scheduled-reports", f.owner.Token, map[string]any{"name": "r",
		"frequency": "weekly", "recipients": []string{"boss@example.com"}})
	id := decode[map[string]any](t, rec)["id"].(string)
	before, _ := e.db.ScheduledReport(f.owner.OrgID, id)
	run := store.ScheduledRun{Due: before.NextRunAt.Add(-time.Hour), RanAt: e.clock.Now(), Next: before.NextRunAt.Add(time.Hour),
		Entries: []*store.OutboxEntry{{Kind: store.OutboxKindEmail, TargetID: "boss@example.com", Event: "report.scheduled", Notification: []byte(`{}`)}}}
	if err := e.db.CompleteScheduledReportRun(f.owner.OrgID, id, run); !errors.Is(err, store.ErrReportMoved) {
		t.Fatalf("stale run: %v, want ErrReportMoved", err)
	}
	after, _ := e.db.ScheduledReport(f.owner.OrgID, id)
	due, _ := e.db.DueOutbox(e.clock.Now().Add(time.Hour), 100)
	if !after.NextRunAt.Equal(before.NextRunAt) || after.LastRunAt != nil || len(due) != 0 {
		t.Fatalf("a stale run wrote: %+v, %d queued", after, len(due))
	}
}

// TestScheduledReportOfDeletedServices: a report whose services were all deleted sends
// nothing (sending every service instead would show what it was not meant to), says why
// in last_error, and moves on to its next run rather than failing every minute.
func TestScheduledReportOfDeletedServices(t *testing.T) {
	f := newSLAFixture(t)
	e := f.e
	rec := e.do("POST", "/api/v1/scheduled-reports", f.owner.Token, map[string]any{"name": "r", "frequency": "weekly",
		"timezone": "UTC", "recipients": []string{"boss@example.com"}, "service_ids": []string{f.docs}})
	id := decode[map[string]any](t, rec)["id"].(string)
	if rec := e.do("DELETE", "/api/v1/services/"+f.docs, f.owner.Token, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("delete service: %d", rec.Code)
	}
	e.clock.Advance(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC).Sub(e.clock.Now())) // Monday
	if n, err := (&reports.Scheduler{Store: e.db, Now: e.clock.Now}).RunDue(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunDue = %d, %v", n, err)
	}
	r, _ := e.db.ScheduledReport(f.owner.OrgID, id)
	due, _ := e.db.DueOutbox(e.clock.Now().Add(time.Hour), 100)
	if r.LastError != "every service of this report was deleted" || !r.NextRunAt.Equal(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)) || len(due) != 0 {
		t.Fatalf("after the run: %+v, %d queued", r, len(due))
	}
	if v := newScheduledReportView(r); v.LastError != r.LastError || v.LastRunAt == nil { // the tokens expired on the way to Monday
		t.Errorf("view: %+v", v)
	}
}
