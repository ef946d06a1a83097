package api

import (
	"encoding/csv"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// auditFixture seeds an organization's audit log, one entry a minute from
// 10:00, and an outsider's log with one entry.
type auditFixture struct {
	o     *keyOrg
	start time.Time
}

func newAuditFixture(e *testEnv) *auditFixture {
	f := &auditFixture{o: newKeyOrg(e), start: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	alice := store.AuditActor{Type: "user", ID: f.o.owner.ID, Email: f.o.owner.Email, IP: "192.0.2.1"}
	bot := store.AuditActor{Type: "api_key", ID: "key-1", Email: f.o.member.Email, IP: "192.0.2.2"}
	entries := []store.AuditEntry{
		{Event: "auth.login", Actor: alice, Resource: store.AuditResource{Type: "user", ID: f.o.owner.ID}},
		{Event: "service.created", Actor: bot, Resource: store.AuditResource{Type: "service", ID: "s1", Name: "API"},
			Metadata: map[string]any{"check_type": "HTTP", "interval": 60}},
		{Event: "service.deleted", Actor: alice, Resource: store.AuditResource{Type: "service", ID: "s1", Name: "API"}},
		// A hostile name: a spreadsheet would run it as a formula.
		{Event: "service.created", Actor: bot, Resource: store.AuditResource{Type: "service", ID: "s2",
			Name: `=HYPERLINK("http://evil.example","x")`}, Metadata: map[string]any{"note": "+1"}},
		{Event: "member.role_changed", Actor: alice, Resource: store.AuditResource{Type: "member", ID: f.o.member.ID,
			Name: "@mia"}, Metadata: map[string]any{"from": "member", "to": "admin"}},
	}
	for i := range entries {
		entries[i].Timestamp = f.start.Add(time.Duration(i) * time.Minute)
		if err := e.db.AppendAudit(f.o.owner.OrgID, &entries[i]); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := e.db.AppendAudit(f.o.outsider.OrgID, &store.AuditEntry{Event: "secret.event", Timestamp: f.start,
		Actor: store.AuditActor{Type: "user", ID: f.o.outsider.ID}}); err != nil {
		e.t.Fatal(err)
	}
	return f
}

// events checks the events of a JSON answer, in order.
func events(want ...string) func(*testing.T, *httptest.ResponseRecorder) {
	return func(t *testing.T, rec *httptest.ResponseRecorder) {
		t.Helper()
		var got []string
		for _, v := range decode[[]auditEntryView](t, rec) {
			got = append(got, v.Event+"@"+v.Timestamp.Format("15:04"))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("events %v\nwant   %v", got, want)
		}
	}
}

func TestAuditLogList(t *testing.T) {
	e := newTestEnv(t)
	f := newAuditFixture(e)
	o := f.o
	q := func(params string) string { return "/api/v1/audit-logs?" + params }
	e.run([]scenario{
		{name: "newest first", method: "GET", path: q(""), token: o.owner.Token, status: 200,
			check: events("member.role_changed@10:04", "service.created@10:03", "service.deleted@10:02",
				"service.created@10:01", "auth.login@10:00"),
			notContains: []string{"secret.event"}},
		{name: "entry shape", method: "GET", path: q("event=service.created&limit=1"), token: o.adminTok, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[[]map[string]any](t, rec)
				if len(got) != 1 {
					t.Fatalf("%d entries", len(got))
				}
				want := map[string]any{
					"event": "service.created", "timestamp": "2026-11-25T10:03:00Z",
					"actor":    map[string]any{"type": "api_key", "id": "key-1", "email": o.member.Email, "ip": "192.0.2.2"},
					"resource": map[string]any{"type": "service", "id": "s2", "name": `=HYPERLINK("http://evil.example","x")`},
					"metadata": map[string]any{"note": "+1"},
				}
				for k, v := range want {
					if !jsonEqual(got[0][k], v) {
						t.Errorf("%s = %v, want %v", k, got[0][k], v)
					}
				}
				if id, _ := got[0]["id"].(string); id == "" {
					t.Error("no id")
				}
			}},
		{name: "metadata is an object even when empty", method: "GET", path: q("event=auth.login"),
			token: o.owner.Token, status: 200, contains: []string{`"metadata":{}`}},
		{name: "by event, any case", method: "GET", path: q("event=SERVICE.CREATED"), token: o.owner.Token,
			status: 200, check: events("service.created@10:03", "service.created@10:01")},
		{name: "by actor", method: "GET", path: q("actor_id=key-1"), token: o.owner.Token, status: 200,
			check: events("service.created@10:03", "service.created@10:01")},
		{name: "by resource type", method: "GET", path: q("resource_type=member"), token: o.owner.Token, status: 200,
			check: events("member.role_changed@10:04")},
		{name: "since and until are inclusive", method: "GET",
			path: q("since=2026-11-25T10:01:00Z&until=2026-11-25T10:03:00Z"), token: o.owner.Token, status: 200,
			check: events("service.created@10:03", "service.deleted@10:02", "service.created@10:01")},
		{name: "since with an offset", method: "GET", path: q("since=" + url.QueryEscape("2026-11-25T11:03:00+01:00")),
			token: o.owner.Token, status: 200, check: events("member.role_changed@10:04", "service.created@10:03")},
		{name: "filters combine", method: "GET", path: q("event=service.created&until=2026-11-25T10:02:00Z"),
			token: o.owner.Token, status: 200, check: events("service.created@10:01")},
		{name: "nothing matches", method: "GET", path: q("actor_id=nobody"), token: o.owner.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if strings.TrimSpace(rec.Body.String()) != "[]" {
					t.Fatalf("body %s, want []", rec.Body.String())
				}
			}},
		{name: "bad since", method: "GET", path: q("since=yesterday&until=2026-13-01T00:00:00Z"), token: o.owner.Token,
			status: 422, contains: []string{`"since":"must be an RFC 3339 time`, `"until":"must be an RFC 3339 time`}},
		{name: "until before since", method: "GET", path: q("since=2026-11-25T10:03:00Z&until=2026-11-25T10:01:00Z"),
			token: o.owner.Token, status: 422, contains: []string{`"until":"must not be before since"`}},
		{name: "bad format", method: "GET", path: q("format=xml"), token: o.owner.Token, status: 422,
			contains: []string{`"format"`}},
		{name: "bad limit", method: "GET", path: q("limit=1001"), token: o.owner.Token, status: 422},
		{name: "bad cursor", method: "GET", path: q("cursor=zz"), token: o.owner.Token, status: 400,
			contains: []string{`"cursor":"is invalid"`}},
		{name: "member is refused", method: "GET", path: q(""), token: o.memberTok, status: 403},
		{name: "viewer is refused", method: "GET", path: q(""), token: o.viewerTok, status: 403},
		{name: "other organization", method: "GET", path: q("org=" + o.owner.OrgSlug), token: o.outsider.Token,
			status: 404},
		{name: "outsider sees only their own", method: "GET", path: q(""), token: o.outsider.Token, status: 200,
			check: events("secret.event@10:00")},
		{name: "no token", method: "GET", path: q(""), status: 401},
	})
}

// jsonEqual compares a decoded JSON value with an expected one.
func jsonEqual(got, want any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k := range w {
			if !jsonEqual(g[k], w[k]) {
				return false
			}
		}
		return true
	default:
		return got == want
	}
}

// TestAuditLogPaging walks the log two at a time with the cursor.
func TestAuditLogPaging(t *testing.T) {
	e := newTestEnv(t)
	f := newAuditFixture(e)
	var pages [][]string
	path := "/api/v1/audit-logs?limit=2"
	for i := 0; path != ""; i++ {
		if i > 5 {
			t.Fatal("the cursor does not advance")
		}
		rec := e.do("GET", path, f.o.owner.Token, nil)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
		var page []string
		for _, v := range decode[[]auditEntryView](t, rec) {
			page = append(page, v.Timestamp.Format("15:04"))
		}
		pages = append(pages, page)
		path = ""
		if next := rec.Header().Get("X-Next-Cursor"); next != "" {
			path = "/api/v1/audit-logs?limit=2&cursor=" + next
		}
	}
	want := [][]string{{"10:04", "10:03"}, {"10:02", "10:01"}, {"10:00"}}
	if len(pages) != len(want) {
		t.Fatalf("pages %v, want %v", pages, want)
	}
	for i := range want {
		if strings.Join(pages[i], ",") != strings.Join(want[i], ",") {
			t.Fatalf("pages %v, want %v", pages, want)
		}
	}
}

func TestAuditLogCSV(t *testing.T) {
	e := newTestEnv(t)
	f := newAuditFixture(e)
	rec := e.do("GET", "/api/v1/audit-logs?format=csv&limit=4", f.o.adminTok, nil)
	if rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("Content-Type %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="audit-log-2026-11-25.csv"` {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if rec.Header().Get("X-Next-Cursor") == "" {
		t.Fatal("a full CSV page has no X-Next-Cursor")
	}
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	want := [][]string{
		{"id", "timestamp", "event", "actor_type", "actor_id", "actor_email", "actor_ip", "resource_type",
			"resource_id", "resource_name", "metadata"},
		{"", "2026-11-25T10:04:00Z", "member.role_changed", "user", f.o.owner.ID, f.o.owner.Email, "192.0.2.1",
			"member", f.o.member.ID, "'@mia", `{"from":"member","to":"admin"}`},
		{"", "2026-11-25T10:03:00Z", "service.created", "api_key", "key-1", f.o.member.Email, "192.0.2.2",
			"service", "s2", `'=HYPERLINK("http://evil.example","x")`, `{"note":"+1"}`},
		{"", "2026-11-25T10:02:00Z", "service.deleted", "user", f.o.owner.ID, f.o.owner.Email, "192.0.2.1",
			"service", "s1", "API", `{}`},
		{"", "2026-11-25T10:01:00Z", "service.created", "api_key", "key-1", f.o.member.Email, "192.0.2.2",
			"service", "s1", "API", `{"check_type":"HTTP","interval":60}`},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(rows), len(want), rows)
	}
	for i := range want {
		if i > 0 {
			if rows[i][0] == "" {
				t.Fatalf("row %d has no id", i)
			}
			want[i][0] = rows[i][0]
		}
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d\n got %q\nwant %q", i, rows[i], want[i])
		}
	}
	if rec := e.do("GET", "/api/v1/audit-logs?format=csv", f.o.memberTok, nil); rec.Code != 403 {
		t.Fatalf("member CSV export: %d", rec.Code)
	}
}

func TestCSVSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"":            "",
		"plain":       "plain",
		"=1+1":        "'=1+1",
		"+1":          "'+1",
		"-1":          "'-1",
		"@SUM(A1)":    "'@SUM(A1)",
		"\t=1":        "'\t=1",
		"\r=1":        "'\r=1",
		"a=b":         "a=b",
		"2026-11-25Z": "2026-11-25Z",
	} {
		if got := csvSafeCell(in); got != want {
			t.Errorf("csvSafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
