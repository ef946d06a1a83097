package api

import (
	"testing"

	"github.com/alertifypro/alertifypro/config"
)

// TestSetup: GET /auth/setup needs no token and says whether the instance is on its first run
// and whether a sign-up without invitation would be accepted, per REGISTRATION_MODE.
func TestSetup(t *testing.T) {
	get := func(e *testEnv) setupView {
		t.Helper()
		rec := e.do("GET", "/api/v1/auth/setup", "", nil)
		if rec.Code != 200 {
			t.Fatalf("setup: %d %s", rec.Code, rec.Body.String())
		}
		return decode[setupView](t, rec)
	}
	for _, c := range []struct {
		mode             string
		openBefore, open bool
	}{{"open", true, true}, {"first-user", true, false}, {"closed", false, false}} {
		e := newTestEnv(t, func(cfg *config.Config) { cfg.RegistrationMode = c.mode })
		if got := get(e); !got.FirstRun || got.RegistrationOpen != c.openBefore {
			t.Errorf("%s, empty instance: %+v, want first_run and registration_open %v", c.mode, got, c.openBefore)
		}
		e.newUser("admin@example.com", "Admin")
		if got := get(e); got.FirstRun || got.RegistrationOpen != c.open {
			t.Errorf("%s, one account: %+v, want no first_run and registration_open %v", c.mode, got, c.open)
		}
	}
}
