package api

import (
	"net/http"
	"testing"
	"time"
)

// TestRequireMFASendsMembersToEnrol: once an admin sets require_mfa, a member without a
// second factor signs in to a session that reaches only enrolment; enrolling answers a
// full session. A member of another organization is not affected, and a viewer cannot
// change the setting.
func TestRequireMFASendsMembersToEnrol(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	bob, bobToken := e.newMember(ada.OrgID, "bob@example.com", "Bob", roleViewer)
	other := e.newUser("cy@example.com", "Cy")

	if rec := e.do(http.MethodPut, "/api/v1/organization", bobToken, map[string]any{"settings": map[string]any{"require_mfa": true}}); rec.Code != http.StatusForbidden {
		t.Fatalf("viewer sets require_mfa: %d", rec.Code)
	}
	rec := e.do(http.MethodPut, "/api/v1/organization", ada.Token, map[string]any{"settings": map[string]any{"require_mfa": true}})
	if rec.Code != http.StatusOK || decode[map[string]any](t, rec)["settings"].(map[string]any)["require_mfa"] != true {
		t.Fatalf("set require_mfa: %d %s", rec.Code, rec.Body.String())
	}
	// The session Bob had before keeps working: the rule applies at the next sign-in.
	if rec := e.do(http.MethodGet, "/api/v1/services", bobToken, nil); rec.Code != http.StatusOK {
		t.Fatalf("earlier session: %d", rec.Code)
	}
	if body := e.passwordLogin(other.Email); body["mfa_enrollment_required"] != nil {
		t.Fatalf("member of another organization: %v", body)
	}

	body := e.passwordLogin(bob.Email)
	limited, _ := body["token"].(string)
	if body["mfa_enrollment_required"] != true || limited == "" {
		t.Fatalf("login: %v", body)
	}
	for _, path := range []string{"/api/v1/services", "/api/v1/organization", "/api/v1/members"} {
		rec := e.do(http.MethodGet, path, limited, nil)
		assertErrorBody(t, rec, "mfa_enrollment_required")
		if rec.Code != http.StatusForbidden {
			t.Fatalf("%s with the enrolment session: %d", path, rec.Code)
		}
	}
	if rec := e.do(http.MethodPut, "/api/v1/profile/password", limited, map[string]any{"current_password": "correct horse battery", "new_password": "another password"}); rec.Code != http.StatusForbidden {
		t.Fatalf("password change with the enrolment session: %d", rec.Code)
	}
	if rec := e.do(http.MethodGet, "/api/v1/profile", limited, nil); rec.Code != http.StatusOK {
		t.Fatalf("profile with the enrolment session: %d", rec.Code)
	}
	status := decode[map[string]any](t, e.do(http.MethodGet, "/api/v1/profile/mfa", limited, nil))
	if status["enrollment_required"] != true {
		t.Fatalf("status: %v", status)
	}

	start := decode[map[string]string](t, e.do(http.MethodPost, "/api/v1/profile/mfa/totp", limited, map[string]any{}))
	rec = e.do(http.MethodPost, "/api/v1/profile/mfa/totp/verify", limited, map[string]any{"code": totpCode(t, start["secret"], e.clock.Now())})
	full, _ := decode[map[string]any](t, rec)["token"].(string)
	if rec.Code != http.StatusOK || full == "" {
		t.Fatalf("verify with the enrolment session: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do(http.MethodGet, "/api/v1/services", full, nil); rec.Code != http.StatusOK {
		t.Fatalf("session after enrolling: %d", rec.Code)
	}
	// From now on Bob signs in with his second factor, and gets a full session.
	e.clock.Advance(30 * time.Second)
	rec = e.mfaStep(e.mfaToken(bob.Email), totpCode(t, start["secret"], e.clock.Now()))
	body = decode[map[string]any](t, rec)
	if rec.Code != http.StatusOK || body["mfa_enrollment_required"] != nil {
		t.Fatalf("sign-in with the factor: %d %v", rec.Code, body)
	}
	logins := auditMeta(t, e, ada.OrgID, "auth.login")
	if len(logins) == 0 || logins[len(logins)-1]["mfa_enrollment_required"] != true {
		t.Fatalf("auth.login entries: %v", logins)
	}
}
