package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestWrongPasswordAnsweredBeforeItsAuditCommit holds the failed-login audit write
// inside its transaction and expects the 401 to reach the client meanwhile: the
// answer to a wrong password must not wait for a commit (an fsync) that an unknown
// e-mail, with no organization to audit into, never pays — the difference in time
// would tell which addresses have accounts. The entry still commits once released.
func TestWrongPasswordAnsweredBeforeItsAuditCommit(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	opts := store.Options{BeforeAudit: func(_ string, e *store.AuditEntry) error {
		if e.Event == "auth.login_failed" {
			entered <- struct{}{}
			<-release
		}
		return nil
	}}
	e := newTestEnvOpts(t, opts, nil)
	ada := e.newUser("ada@example.com", "Ada")
	srv := httptest.NewServer(e.router)
	defer srv.Close()
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()

	answered := make(chan int, 1)
	go func() {
		resp, err := http.Post(srv.URL+"/api/v1/auth/login", "application/json",
			strings.NewReader(`{"email":"ada@example.com","password":"wrong password"}`))
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the failed login wrote no audit entry")
	}
	select {
	case code := <-answered:
		if code != http.StatusUnauthorized {
			t.Fatalf("wrong password answered %d, want 401", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the 401 waited for the audit entry's commit")
	}
	close(release)
	released = true
	deadline := time.Now().Add(10 * time.Second)
	for {
		logs, _, err := e.db.AuditLogs(ada.OrgID, store.AuditFilter{Event: "auth.login_failed"})
		if err != nil {
			t.Fatal(err)
		}
		if len(logs) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit entries after release: %d, want 1", len(logs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
