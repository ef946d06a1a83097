package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/store"
)

// importCSV posts csv as a text/csv body (consent in the query).
func (m *subscriberMailEnv) importCSV(token, csv string, consent bool) *httptest.ResponseRecorder {
	m.t.Helper()
	path := "/api/v1/status-pages/" + m.pageID + "/subscribers/import"
	if consent {
		path += "?confirmed_consent=true"
	}
	return m.send(httptest.NewRequest("POST", path, strings.NewReader(csv)), "192.0.2.10", token, "text/csv")
}

// importForm posts csv as the "file" field of a multipart form, as the UI's file picker does.
func (m *subscriberMailEnv) importForm(token, csv string, consent string) *httptest.ResponseRecorder {
	m.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, err := w.CreateFormFile("file", "subscribers.csv")
	if err != nil {
		m.t.Fatal(err)
	}
	fw.Write([]byte(csv))
	if consent != "" {
		w.WriteField("confirmed_consent", consent)
	}
	w.Close()
	return m.send(httptest.NewRequest("POST", "/api/v1/status-pages/"+m.pageID+"/subscribers/import", &body), "192.0.2.10", token, w.FormDataContentType())
}

// subscriberCount is how many subscribers the page has.
func (m *subscriberMailEnv) subscriberCount() int {
	m.t.Helper()
	subs, err := m.db.Subscribers(m.owner.OrgID, m.pageID)
	if err != nil {
		m.t.Fatal(err)
	}
	return len(subs)
}

// A CSV import lists duplicates (in the file, already subscribed) by line, imports the
// rest as pending with one double opt-in e-mail each over real SMTP, and audits the count
// and the member; the imported addresses confirm through the received link.
func TestSubscriberImportSendsOptInAndListsDuplicates(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	seen := 0
	if rec := m.do("POST", "/api/v1/status-pages/"+m.pageID+"/subscribers", m.owner.Token, map[string]any{"email": "old@example.com"}); rec.Code != 201 {
		t.Fatalf("add: %d", rec.Code)
	}
	m.deliver(&seen)
	csv := "\ufeffEmail,Name\r\nann@example.com,Ann\r\nBOB@Example.com,\"Bob, Jr.\"\r\nann@example.com,Ann again\r\nold@example.com,\r\n\r\ncarol@example.com\r\n"
	rec := m.importCSV(m.owner.Token, csv, false)
	if rec.Code != 200 {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	res := decode[subscriberImportResult](t, rec)
	if res.Imported != 3 || res.ConfirmationsQueued != 3 || res.ConfirmedConsent || len(res.Skipped) != 2 ||
		res.Skipped[0] != (subscriberImportSkip{Line: 4, Email: "ann@example.com", Reason: "duplicate", Message: "repeats line 2"}) ||
		res.Skipped[1].Line != 5 || res.Skipped[1].Reason != "already_subscribed" {
		t.Fatalf("result: %+v", res)
	}
	mails := byRecipient(m.deliver(&seen))
	if len(mails) != 3 {
		t.Fatalf("opt-in mails: %+v", mails)
	}
	for _, who := range []string{"ann@example.com", "bob@example.com", "carol@example.com"} {
		if got := mails[who]; len(got) != 1 || !strings.Contains(got[0].Subject, "Confirm your subscription to Acme Status") {
			t.Fatalf("opt-in to %s: %+v", who, got)
		}
	}
	list := decode[[]subscriberView](t, m.do("GET", "/api/v1/status-pages/"+m.pageID+"/subscribers", m.owner.Token, nil))
	names := map[string]string{}
	for _, s := range list {
		if s.Status != "pending" {
			t.Fatalf("imported without consent but %s: %+v", s.Status, s)
		}
		names[*s.Email] = deref(s.Name)
	}
	if len(list) != 4 || names["bob@example.com"] != "Bob, Jr." || names["carol@example.com"] != "" {
		t.Fatalf("subscribers: %+v", names)
	}
	if rec := m.do("GET", link(t, mails["bob@example.com"][0], "confirm"), "", nil); rec.Code != 200 {
		t.Fatalf("confirm an imported address: %d", rec.Code)
	}
	entry := lastAuditEntry(t, m, "subscriber.imported")
	if entry.Metadata["count"] != float64(3) || entry.Metadata["confirmed_consent"] != false || entry.Actor.Email != "owner@example.com" {
		t.Fatalf("audit: %+v", entry)
	}
}

// lastAuditEntry is the newest audit entry of event.
func lastAuditEntry(t *testing.T, m *subscriberMailEnv, event string) auditEntryView {
	t.Helper()
	for _, e := range decode[[]auditEntryView](t, m.do("GET", "/api/v1/audit-logs?event="+event, m.owner.Token, nil)) {
		if e.Event == event {
			return e
		}
	}
	t.Fatalf("no %s in the audit log", event)
	return auditEntryView{}
}

// With the member's statement that the addresses consented, they are confirmed at once,
// no opt-in e-mail goes out, the audit entry records the statement, and they receive the
// next incident.
func TestSubscriberImportWithConsentSendsNoOptIn(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	seen := 0
	rec := m.importForm(m.owner.Token, "dan@example.com,Dan\neve@example.com\n", "true")
	if rec.Code != 200 {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	if res := decode[subscriberImportResult](t, rec); res.Imported != 2 || res.ConfirmationsQueued != 0 || !res.ConfirmedConsent {
		t.Fatalf("result: %+v", res)
	}
	if got := m.deliver(&seen); len(got) != 0 {
		t.Fatalf("mails after a consented import: %+v", got)
	}
	entry := lastAuditEntry(t, m, "subscriber.imported")
	if entry.Metadata["count"] != float64(2) || entry.Metadata["confirmed_consent"] != true || entry.Actor.Email != "owner@example.com" {
		t.Fatalf("audit: %+v", entry)
	}
	if rec := m.do("POST", "/api/v1/status-pages/"+m.pageID+"/incidents", m.owner.Token, map[string]any{"title": "Down", "status": "investigating",
		"severity": "major", "message": "Looking."}); rec.Code != 201 {
		t.Fatalf("incident: %d", rec.Code)
	}
	if got := byRecipient(m.deliver(&seen)); len(got["dan@example.com"]) != 1 || len(got["eve@example.com"]) != 1 {
		t.Fatalf("incident mails: %+v", got)
	}
	// Without the box ticked (the form sends nothing or "false") it is an opt-in import.
	if res := decode[subscriberImportResult](t, m.importForm(m.owner.Token, "fay@example.com\n", "false")); res.ConfirmationsQueued != 1 {
		t.Fatalf("unticked: %+v", res)
	}
	if rec := m.importForm(m.owner.Token, "gus@example.com\n", "maybe"); rec.Code != 422 || !strings.Contains(rec.Body.String(), "confirmed_consent") {
		t.Fatalf("bad consent value: %d %s", rec.Code, rec.Body.String())
	}
}

// Invalid rows, broken quoting, too many rows or bytes refuse the whole file with a 422
// naming the lines or the file; nothing is imported and no e-mail goes out.
func TestSubscriberImportRefusesBadFilesWhole(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	seen := 0
	for _, tc := range []struct {
		name, csv string
		fields    map[string]string
	}{
		{"invalid rows", "ok@example.com\nnot-an-address,Nobody\nx@example.com,a,b\nname\x01@example.com\nfine@example.com,\"bad\tname\"\n",
			map[string]string{"line 2": `e-mail address must be a valid e-mail address ("not-an-address")`, "line 3": "has 3 columns",
				"line 4": "e-mail address must be a valid", "line 5": "name must be one line"}},
		{"broken quoting", "a@example.com\nb@example.com,\"Bob\nc@example.com\n", map[string]string{"file": "starts on line 2"}},
		{"bare quote", "a@example.com\nb\"@example.com\n", map[string]string{"file": "is not valid CSV: line 2, column 2"}},
		{"too many rows", strings.Repeat("a@example.com\n", maxCSVRows+1), map[string]string{"file": "more than 10000 rows"}},
		{"too many bytes", strings.Repeat("a@example.com,"+strings.Repeat("n", 200)+"\n", 6000), map[string]string{"file": "larger than 1 MiB"}},
		{"empty", "email,name\n", map[string]string{"file": "has no subscribers"}},
		{"not UTF-8", "a@example.com,J\xfcrgen\n", map[string]string{"file": "UTF-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, rec := range []*httptest.ResponseRecorder{m.importCSV(m.owner.Token, tc.csv, false), m.importForm(m.owner.Token, tc.csv, "true")} {
				var body struct {
					Error, Message string
					Fields         map[string]string
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &body); rec.Code != 422 || err != nil || body.Error != "validation_failed" {
					t.Fatalf("%d %.400s", rec.Code, rec.Body.String())
				}
				for k, want := range tc.fields {
					if !strings.Contains(body.Fields[k], want) {
						t.Fatalf("fields %v, want %s: ...%s...", body.Fields, k, want)
					}
				}
			}
		})
	}
	if n := m.subscriberCount(); n != 0 {
		t.Fatalf("%d subscribers after refused files", n)
	}
	if got := m.deliver(&seen); len(got) != 0 {
		t.Fatalf("mails after refused files: %+v", got)
	}
}

// The plan cap holds for the whole file: past it nothing is imported (402, how many would
// not fit); a file that fits is imported in full. Duplicates do not count.
func TestSubscriberImportPlanCapAllOrNothing(t *testing.T) {
	m := newSubscriberMailEnv(t, nil) // free plan: 100 subscribers
	rows := func(from, n int) string {
		var b strings.Builder
		for i := from; i < from+n; i++ {
			fmt.Fprintf(&b, "s%03d@example.com\n", i)
		}
		return b.String()
	}
	if rec := m.importCSV(m.owner.Token, rows(0, 60), true); rec.Code != 200 {
		t.Fatalf("first import: %d %s", rec.Code, rec.Body.String())
	}
	rec := m.importCSV(m.owner.Token, rows(30, 71), true) // 30 already there, 41 new: 101
	if rec.Code != 402 || !strings.Contains(rec.Body.String(), "Importing 41 new subscribers would exceed the 100") {
		t.Fatalf("over the cap: %d %s", rec.Code, rec.Body.String())
	}
	if n := m.subscriberCount(); n != 60 {
		t.Fatalf("%d subscribers after a refused import, want 60", n)
	}
	rec = m.importCSV(m.owner.Token, rows(30, 70)+"s031@example.com\n", true) // 40 new: exactly 100
	if res := decode[subscriberImportResult](t, rec); rec.Code != 200 || res.Imported != 40 || len(res.Skipped) != 31 {
		t.Fatalf("up to the cap: %d %+v", rec.Code, res)
	}
	if n := m.subscriberCount(); n != 100 {
		t.Fatalf("%d subscribers, want 100", n)
	}
	if _, err := m.db.UpdateOrganization(m.owner.OrgID, func(o *store.Organization) error { o.PlanType = planStarter; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if rec := m.importCSV(m.owner.Token, rows(100, 5), true); rec.Code != 200 {
		t.Fatalf("after the upgrade: %d %s", rec.Code, rec.Body.String())
	}
}

// Only members import, only into their organization's pages, and only with SMTP set up.
func TestSubscriberImportAccess(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	viewer := m.newUser("vic@example.com", "Vic")
	m.join(m.owner.OrgID, viewer, roleViewer)
	other := m.newUser("eve@example.net", "Eve")
	path := "/api/v1/status-pages/" + m.pageID + "/subscribers/import"
	if rec := m.send(httptest.NewRequest("POST", path+"?org="+m.owner.OrgSlug, strings.NewReader("a@example.com\n")), "192.0.2.10", viewer.Token, "text/csv"); rec.Code != 403 {
		t.Fatalf("viewer: %d", rec.Code)
	}
	if rec := m.importCSV(other.Token, "a@example.com\n", false); rec.Code != 404 {
		t.Fatalf("other organization: %d", rec.Code)
	}
	if rec := m.send(httptest.NewRequest("POST", path, strings.NewReader(`{"email":"a@example.com"}`)), "192.0.2.10", m.owner.Token, "application/json"); rec.Code != 400 {
		t.Fatalf("JSON body: %d", rec.Code)
	}
	e := newTestEnv(t, func(c *config.Config) { c.SMTPHost = "" })
	noSMTP := attachSubscriberMail(e, m.capture, nil)
	if rec := noSMTP.importCSV(noSMTP.owner.Token, "a@example.com\n", true); rec.Code != 422 || !strings.Contains(rec.Body.String(), "SMTP_HOST") {
		t.Fatalf("without SMTP: %d %s", rec.Code, rec.Body.String())
	}
}
