package api

import (
	"testing"

	"github.com/alertifypro/alertifypro/config"
)

// TestServiceEgressRefusedAtSave: a target the egress policy refuses, written
// as a literal in any form, is a 422 on the endpoint field when saved.
func TestServiceEgressRefusedAtSave(t *testing.T) {
	public := newTestEnv(t, func(c *config.Config) { c.EgressPolicy = "public" })
	u := public.newUser("ada@example.com", "Ada")
	svc := func(typ, endpoint string) map[string]any {
		return map[string]any{"name": endpoint, "check_type": typ, "endpoint": endpoint}
	}
	var rows []scenario
	for _, c := range []struct{ typ, endpoint string }{
		{"http", "http://127.0.0.1/"}, {"http", "http://[::ffff:127.0.0.1]/"}, {"http", "http://169.254.169.254/latest/meta-data/"},
		{"tcp", "10.0.0.5:5432"}, {"ping", "192.168.1.1"}, {"ssl", "localhost"},
		{"websocket", "ws://[::1]:8080/"}, {"http", "http://metadata.google.internal/"},
	} {
		rows = append(rows, scenario{name: "public refuses " + c.endpoint, method: "POST", path: "/api/v1/services",
			token: u.Token, body: svc(c.typ, c.endpoint), status: 422, contains: []string{`"endpoint":"egress policy refused`}})
	}
	// Legacy numeric forms are not valid endpoints at all (the guard would
	// refuse them at connect time too).
	for _, e := range []string{"http://127.1/", "http://2130706433/", "http://0x7f.0.0.1/"} {
		rows = append(rows, scenario{name: "refuses legacy form " + e, method: "POST", path: "/api/v1/services",
			token: u.Token, body: svc("http", e), status: 422, contains: []string{`"endpoint":`}})
	}
	rows = append(rows,
		scenario{name: "public refuses a private DNS resolver", method: "POST", path: "/api/v1/services", token: u.Token,
			body:   map[string]any{"name": "dns", "check_type": "dns", "endpoint": "example.com", "options": map[string]any{"resolver": "127.0.0.53:53"}},
			status: 422, contains: []string{`"options.resolver":"egress policy refused`}},
		scenario{name: "public accepts a name (checked at connect time)", method: "POST", path: "/api/v1/services",
			token: u.Token, body: svc("http", "https://example.com/"), status: 201},
	)
	public.run(rows)

	private := newTestEnv(t)
	v := private.newUser("bob@example.com", "Bob")
	private.run([]scenario{
		{name: "private allows loopback", method: "POST", path: "/api/v1/services", token: v.Token,
			body: svc("http", "http://127.0.0.1:8080/"), status: 201},
		{name: "private still refuses metadata", method: "POST", path: "/api/v1/services", token: v.Token,
			body: svc("http", "http://169.254.169.254/"), status: 422, contains: []string{"egress policy refused"}},
	})
}
