package api

import (
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// errAuditDown is the injected failure of the audit log's write.
var errAuditDown = errors.New("audit log unwritable (injected)")

// auditedRequest is one API call of an audited mutation.
type auditedRequest struct {
	method, path string
	body         any
}

// auditedMutation is an audited API change: prepare sets the organization up and
// returns the call and a probe telling whether the change is in the store.
type auditedMutation struct {
	name       string
	auditEvent string // the entry the change carries
	hookEvent  string // the webhook event it queues
	status     int    // the answer when it commits
	prepare    func(t *testing.T, e *testEnv, owner *testUser) (auditedRequest, func() bool)
}

// newAuditFaultEnv is the API over a store whose audit writes fail while the returned
// switch is on; its Alerter makes alert actions run as in serve.
func newAuditFaultEnv(t *testing.T) (*testEnv, *atomic.Bool) {
	t.Helper()
	failing := new(atomic.Bool)
	opts := store.Options{BeforeAudit: func(string, *store.AuditEntry) error {
		if failing.Load() {
			return errAuditDown
		}
		return nil
	}}
	e := newTestEnvOpts(t, opts, nil)
	return e, failing
}

// auditedMutations is a representative set: services, members (with their webhook
// events), an invitation, an alert acknowledgement and a status page incident.
func auditedMutations() []auditedMutation {
	service := func(t *testing.T, e *testEnv, owner *testUser) string {
		t.Helper()
		return e.createHTTPService(owner.Token, "API", "https://api.example.com")
	}
	serviceName := func(e *testEnv, owner *testUser, id string) string {
		s, err := e.db.Service(owner.OrgID, id)
		if err != nil {
			return ""
		}
		return s.Name
	}
	isMember := func(e *testEnv, orgID, userID string) bool {
		_, err := e.db.Membership(orgID, userID)
		return err == nil
	}
	return []auditedMutation{
		{name: "service create", auditEvent: "service.created", hookEvent: "", status: http.StatusCreated,
			prepare: func(t *testing.T, e *testEnv, owner *testUser) (auditedRequest, func() bool) {
				return auditedRequest{"POST", "/api/v1/services", map[string]any{"name": "Web", "endpoint": "https://web.example.com", "check_type": "http"}},
					func() bool { n, _ := e.db.CountServices(owner.OrgID); return n == 1 }
			}},
		{name: "service update", auditEvent: "service.updated", status: http.StatusOK,
			prepare: func(t *testing.T, e *testEnv, owner *testUser) (auditedRequest, func() bool) {
				id := service(t, e, owner)
				return auditedRequest{"PATCH", "/api/v1/services/" + id, map[string]any{"name": "API v2"}},
					func() bool { return serviceName(e, owner, id) == "API v2" }
			}},
		{name: "service delete", auditEvent: "service.deleted", status: http.StatusNoContent,
			prepare: func(t *testing.T, e *testEnv, owner *testUser) (auditedRequest, func() bool) {
				id := service(t, e, owner)
				return auditedRequest{"DELETE", "/api/v1/services/" + id, nil},
					func() bool { return serviceName(e, owner, id) == "" }
			}},
		{name: "member add", auditEvent: "member.added", hookEvent: "member.invited", status: http.StatusCreated,
			prepare: func(t *testing.T, e *testEnv, owner *testUser) (auditedRequest, func() bool) {
				bob := e.newUser("bob@example.com", "Bob")
				e.confirmEmail(bob) // an unconfirmed account would get an invitation instead
				return auditedRequest{"POST", "/api/v1/members", map[string]any{"email": bob.Email, "role": "viewer"}},
					func() bool { return isMember(e, owner.OrgID, bob.ID) }
			}},
		{name: "member remove", auditEvent: "member.removed", hookEvent: "member.removed", status: http.StatusNoContent,
			prepare: func(t *testing.T, e *testEnv, owner *testUser) (auditedRequest, func() bool) {
				bob := e.newUser("bob@example.com", "Bob")
				e.join(owner.OrgID, bob, roleMember)
				return auditedRequest{"DELETE", "/api/v1/members/" + bob.ID, nil},
					func() bool { return !isMember(e, owner.OrgID, bob.ID) }
			}},
		{name: "invitation", auditEvent: "member.invited", hookEvent: "member.invited", status: http.StatusCreated,
			prepare: func(t *testing.T, e *testEnv, owner *testUser) (auditedRequest, func() bool) {
				return auditedRequest{"POST", "/api/v1/members", map[string]any{"email": "new@example.com", "role": "viewer"}},
					func() bool { invs, _ := e.db.Invitations(owner.OrgID); return len(invs) == 1 }
			}},
		{name: "alert acknowledge", auditEvent: "alert.acknowledged", hookEvent: "alert.acknowledged", status: http.StatusOK,
			prepare: func(t *testing.T, e *testEnv, owner *testUser) (auditedRequest, func() bool) {
				_, alert := e.firingService(owner.Token, owner.OrgID, "checkout", "critical")
				return auditedRequest{"POST", "/api/v1/alerts/" + alert.ID + "/acknowledge", map[string]any{"note": "on it"}},
					func() bool { a, _ := e.db.Alert(owner.OrgID, alert.ID); return a.Status == store.AlertAcknowledged }
			}},
		{name: "status page incident create", auditEvent: "incident.created", hookEvent: "incident.created", status: http.StatusCreated,
			prepare: func(t *testing.T, e *testEnv, owner *testUser) (auditedRequest, func() bool) {
				rec := e.do("POST", "/api/v1/status-pages", owner.Token, map[string]any{"name": "Acme Status"})
				if rec.Code != http.StatusCreated {
					t.Fatalf("create page: %d %s", rec.Code, rec.Body.String())
				}
				page := decode[statusPageView](t, rec)
				return auditedRequest{"POST", "/api/v1/status-pages/" + page.ID + "/incidents", map[string]any{"title": "API errors", "message": "Looking into it."}},
					func() bool { list, _ := e.db.Incidents(owner.OrgID, page.ID); return len(list) == 1 }
			}},
	}
}

// auditCount counts the organization's audit entries of one event.
func auditCount(t *testing.T, e *testEnv, orgID, event string) int {
	t.Helper()
	entries, _, err := e.db.AuditLogs(orgID, store.AuditFilter{Event: event, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// webhookQueued counts the webhook deliveries of one event waiting in the outbox.
func webhookQueued(t *testing.T, e *testEnv, event string) int {
	t.Helper()
	due, err := e.db.DueOutbox(e.clock.Now().Add(time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range due {
		if d.Kind == store.OutboxKindWebhook && d.Event == event {
			n++
		}
	}
	return n
}

func commitsOf(t *testing.T, e *testEnv) uint64 {
	t.Helper()
	n, err := e.db.Commits()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// An audited change, its audit entry and its webhook event commit together in one write
// transaction (one fsync); when the entry cannot be written, the change is not made, the
// event is not queued and the client gets 500 (SPEC §12).
func TestAuditedChangesCommitWithTheirEntryOrNotAtAll(t *testing.T) {
	for _, m := range auditedMutations() {
		t.Run(m.name, func(t *testing.T) {
			e, failing := newAuditFaultEnv(t)
			owner := e.newUser("owner@example.com", "Owner")
			recv := newHookReceiver(t, testWebhookSecret, http.StatusOK)
			subscribe(t, e, owner.Token, recv.URL, "member.invited", "member.removed", "alert.acknowledged", "incident.created")
			req, applied := m.prepare(t, e, owner)
			audits, hooks := auditCount(t, e, owner.OrgID, m.auditEvent), webhookQueued(t, e, m.hookEvent)

			failing.Store(true)
			before := commitsOf(t, e)
			rec := e.do(req.method, req.path, owner.Token, req.body)
			if rec.Code != http.StatusInternalServerError {
				t.Fatalf("with the audit log failing: %d %s, want 500", rec.Code, rec.Body.String())
			}
			assertErrorBody(t, rec, "internal")
			if applied() {
				t.Fatal("the change was written although its audit entry was not")
			}
			if n := auditCount(t, e, owner.OrgID, m.auditEvent); n != audits {
				t.Fatalf("%d %s entries, want %d", n, m.auditEvent, audits)
			}
			if m.hookEvent != "" && webhookQueued(t, e, m.hookEvent) != hooks {
				t.Fatalf("a %s delivery was queued for a change that did not happen", m.hookEvent)
			}
			if n := commitsOf(t, e) - before; n != 0 {
				t.Fatalf("the failed change committed %d write transactions", n)
			}

			failing.Store(false)
			before = commitsOf(t, e)
			if rec := e.do(req.method, req.path, owner.Token, req.body); rec.Code != m.status {
				t.Fatalf("%s %s: %d %s, want %d", req.method, req.path, rec.Code, rec.Body.String(), m.status)
			}
			if n := commitsOf(t, e) - before; n != 1 {
				t.Fatalf("the change took %d write transactions, want 1 (change, entry and event together)", n)
			}
			if !applied() {
				t.Fatal("the change is not in the store")
			}
			if n := auditCount(t, e, owner.OrgID, m.auditEvent); n != audits+1 {
				t.Fatalf("%d %s entries, want %d", n, m.auditEvent, audits+1)
			}
			if m.hookEvent != "" && webhookQueued(t, e, m.hookEvent) != hooks+1 {
				t.Fatalf("no %s delivery queued with the change", m.hookEvent)
			}
		})
	}
}

// A login changes nothing but the audit log, so its entry is a write of its own: no token
// is handed out when it cannot be written, while a wrong password still answers 401 (a
// 500 there, and a 401 for an unknown address, would tell which addresses have accounts).
func TestLoginNeedsItsAuditEntry(t *testing.T) {
	e, failing := newAuditFaultEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	failing.Store(true)
	rec := e.do("POST", "/api/v1/auth/login", "", map[string]any{"email": owner.Email, "password": "wrong password here"})
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("wrong password with the audit log failing: %d %s, want 401", rec.Code, rec.Body.String())
	}
	rec = e.do("POST", "/api/v1/auth/login", "", map[string]any{"email": owner.Email, "password": "correct horse battery"})
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("login with the audit log failing: %d %s, want 500 and no token", rec.Code, rec.Body.String())
	}
	failing.Store(false)
	if rec := e.do("POST", "/api/v1/auth/login", "", map[string]any{"email": owner.Email, "password": "correct horse battery"}); rec.Code != http.StatusOK {
		t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	if n := auditCount(t, e, owner.OrgID, "auth.login"); n != 1 {
		t.Fatalf("%d auth.login entries, want 1", n)
	}
}
