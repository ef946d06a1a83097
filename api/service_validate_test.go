package api

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

func TestValidateEndpoint(t *testing.T) {
	long := "https://example.com/" + strings.Repeat("a", maxEndpointLen)
	cases := []struct {
		checkType string
		good      []string
		bad       []string
	}{
		{checkHTTP,
			[]string{"http://example.com", "https://example.com:8443/health?x=1#top", "HTTPS://Example.COM", "http://192.0.2.1/", "http://[2001:db8::1]:8080/", "http://my_service:3000/ping", "http://localhost"},
			[]string{"example.com", "ftp://example.com", "https://", "https://user:pw@example.com", "https://example.com:0", "https://example.com:70000",
				"https://example.com:", "http:example.com", "https://exa mple.com", "https://-bad.example.com", "https://1.2.3.999", "https://[fe80::1%25en0]/", long, " "}},
		{checkWebSocket,
			[]string{"ws://example.com/socket", "wss://example.com:443/"},
			[]string{"https://example.com", "wss://", "wss://u:p@example.com"}},
		{checkTCP,
			[]string{"example.com:22", "192.0.2.1:1", "[2001:db8::1]:65535", "db.internal:5432", "router.lan.:80"},
			[]string{"example.com", "example.com:0", "example.com:65536", "example.com:+80", "example.com:http", "2001:db8::1:22", "[example.com]:22",
				"tcp://example.com:22", ":22", "example..com:22", strings.Repeat("a", 64) + ".com:1"}},
		{checkRedis, []string{"cache:6379"}, []string{"cache", "redis://cache:6379"}},
		{checkSSL,
			[]string{"example.com", "example.com:8443", "192.0.2.1", "2001:db8::1", "[2001:db8::1]", "[2001:db8::1]:443"},
			[]string{"https://example.com", "example.com:", "example.com/path", "example.com:99999"}},
		{checkPing,
			[]string{"router.lan", "192.0.2.1", "2001:db8::1", "[2001:db8::1]"},
			[]string{"router.lan:80", "http://router.lan", "bad_host!", "[router.lan]"}},
		{checkDNS,
			[]string{"example.com", "_dmarc.example.com", "example.com."},
			[]string{"192.0.2.1", "example.com:53", "https://example.com", "a.." + "b", strings.Repeat("a.", 127) + "com"}},
	}
	for _, c := range cases {
		for _, e := range c.good {
			if got, problem := validateEndpoint(c.checkType, e); problem != "" || got != strings.TrimSpace(e) {
				t.Errorf("%s %q refused: %s", c.checkType, e, problem)
			}
		}
		for _, e := range c.bad {
			if _, problem := validateEndpoint(c.checkType, e); problem == "" {
				t.Errorf("%s %q accepted", c.checkType, e)
			}
		}
	}
}

// TestServiceBadEndpointPerType posts an invalid endpoint for every type: 422 with the
// endpoint field and a sentence naming the expected form.
func TestServiceBadEndpointPerType(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	forms := map[string]string{
		"HTTP": "http:// or https:// URL", "WEBSOCKET": "ws:// or wss:// URL", "TCP": "host:port", "UDP": "host:port",
		"PING": "hostname or an IP address", "DNS": "hostname to resolve", "SMTP": "host:port", "IMAP": "host:port",
		"FTP": "host:port", "SSH": "host:port", "REDIS": "host:port", "MYSQL": "host:port", "POSTGRES": "host:port",
		"MONGODB": "host:port", "GRPC": "host:port", "SSL": "domain (port 443 is used) or host:port",
	}
	for typ, form := range forms {
		for _, endpoint := range []string{"http://user:pw@bad host:99999", ""} {
			rec := e.do("POST", "/api/v1/services", u.Token, map[string]any{"name": "x", "check_type": typ, "endpoint": endpoint})
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%s %q: %d %s", typ, endpoint, rec.Code, rec.Body.String())
			}
			msg, _ := decode[map[string]any](t, rec)["fields"].(map[string]any)["endpoint"].(string)
			if endpoint == "" && msg != "is required" || endpoint != "" && !strings.Contains(msg, form) {
				t.Errorf("%s %q: endpoint message %q", typ, endpoint, msg)
			}
		}
	}
	if n, _ := e.db.CountServices(u.OrgID); n != 0 {
		t.Fatalf("invalid requests created %d services", n)
	}
}

// postFields creates a service from body and returns the 422 field map (failing on any
// other status).
func postFields(t *testing.T, e *testEnv, token string, body map[string]any) map[string]any {
	t.Helper()
	rec := e.do("POST", "/api/v1/services", token, body)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("%v: %d %s", body, rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "validation_failed")
	return decode[map[string]any](t, rec)["fields"].(map[string]any)
}

func TestServiceFieldValidation(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	base := func(extra map[string]any) map[string]any {
		b := map[string]any{"name": "x", "endpoint": "example.com:80", "check_type": "tcp"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	cases := []struct {
		extra map[string]any
		field string
	}{
		{map[string]any{"name": "  "}, "name"},
		{map[string]any{"name": strings.Repeat("n", 201)}, "name"},
		{map[string]any{"description": strings.Repeat("d", 2001)}, "description"},
		{map[string]any{"environment": strings.Repeat("e", 51)}, "environment"},
		{map[string]any{"check_interval_seconds": 9}, "check_interval_seconds"},
		{map[string]any{"check_interval_seconds": 86401}, "check_interval_seconds"},
		{map[string]any{"check_interval_seconds": 30, "timeout_seconds": 30}, "timeout_seconds"},
		{map[string]any{"timeout_seconds": 0}, "timeout_seconds"},
		{map[string]any{"check_interval_seconds": 1.5}, "check_interval_seconds"},
		{map[string]any{"tags": []string{"ok", " "}}, "tags"},
		{map[string]any{"tags": []string{strings.Repeat("t", 51)}}, "tags"},
		{map[string]any{"tags": strings.Split("a b c d e f g h i j k l m n o p q r s t u", " ")}, "tags"},
		{map[string]any{"degraded_threshold_ms": 0}, "degraded_threshold_ms"},
		{map[string]any{"sla_target": 0}, "sla_target"},
		{map[string]any{"sla_target": 100.01}, "sla_target"},
		{map[string]any{"sla_target": "99"}, "sla_target"},
		{map[string]any{"auth": map[string]any{"type": "basic", "username": "u", "password": "p"}}, "auth"},
		{map[string]any{"check_type": "redis", "endpoint": "cache:6379", "auth": map[string]any{"type": "bearer", "token": "t"}}, "auth"},
		{map[string]any{"check_type": "http", "endpoint": "https://x.example", "auth": map[string]any{"type": "digest"}}, "auth.type"},
		{map[string]any{"check_type": "http", "endpoint": "https://x.example", "auth": map[string]any{"type": "basic", "password": "p"}}, "auth.username"},
		{map[string]any{"check_type": "http", "endpoint": "https://x.example", "auth": map[string]any{"type": "basic", "username": "u", "token": "t"}}, "auth.token"},
		{map[string]any{"check_type": "http", "endpoint": "https://x.example", "auth": map[string]any{"type": "bearer", "token": "a b"}}, "auth.token"},
		{map[string]any{"check_type": "http", "endpoint": "https://x.example", "auth": map[string]any{"type": "header", "name": "Bad Name", "value": "v"}}, "auth.name"},
		{map[string]any{"check_type": "http", "endpoint": "https://x.example", "auth": map[string]any{"type": "header", "name": "X-Key", "value": "a\nb"}}, "auth.value"},
		{map[string]any{"check_type": "http", "endpoint": "https://x.example", "auth": map[string]any{"type": "bearer", "token": "t", "extra": 1}}, "auth"},
		{map[string]any{"check_type": "http", "endpoint": "https://x.example", "auth": "secret"}, "auth"},
	}
	for _, c := range cases {
		fields := postFields(t, e, u.Token, base(c.extra))
		if _, ok := fields[c.field]; !ok {
			t.Errorf("%v: fields %v lack %q", c.extra, fields, c.field)
		}
	}
	// Every problem is reported at once.
	fields := postFields(t, e, u.Token, map[string]any{"name": "", "endpoint": "", "check_type": "", "check_interval_seconds": 5})
	for _, k := range []string{"name", "endpoint", "check_type", "check_interval_seconds"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("combined: %v lacks %s", fields, k)
		}
	}
	// Tags are trimmed and de-duplicated without regard to case.
	got := e.mustCreateService(u.Token, base(map[string]any{"tags": []string{" web ", "Web", "db", "web"}}))
	if !reflect.DeepEqual(got["tags"], []any{"web", "db"}) {
		t.Errorf("tags %v", got["tags"])
	}
}

func TestServiceOptions(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	if _, err := e.db.UpdateOrganization(u.OrgID, func(o *store.Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	endpoints := map[string]string{"HTTP": "https://x.example", "WEBSOCKET": "wss://x.example", "TCP": "x.example:1",
		"UDP": "x.example:1", "PING": "x.example", "DNS": "x.example", "SMTP": "x.example:25", "IMAP": "x.example:993",
		"FTP": "x.example:21", "SSH": "x.example:22", "REDIS": "x.example:6379", "MYSQL": "x.example:3306",
		"POSTGRES": "x.example:5432", "MONGODB": "x.example:27017", "GRPC": "x.example:443", "SSL": "x.example"}
	n := 0
	create := func(typ string, opts any) map[string]any {
		n++
		return e.mustCreateService(u.Token, map[string]any{"name": fmt.Sprint("svc ", n), "check_type": typ, "endpoint": endpoints[typ], "options": opts})
	}
	invalid := func(typ string, opts any, field string) {
		t.Helper()
		fields := postFields(t, e, u.Token, map[string]any{"name": "x", "check_type": typ, "endpoint": endpoints[typ], "options": opts})
		if _, ok := fields[field]; !ok {
			t.Errorf("%s %v: fields %v lack %q", typ, opts, fields, field)
		}
	}
	for typ := range endpoints {
		fields := postFields(t, e, u.Token, map[string]any{"name": "x", "check_type": typ, "endpoint": endpoints[typ], "options": map[string]any{"bogus": 1}})
		if fields["options.bogus"] != "is not an option of "+typ {
			t.Errorf("%s unknown option: %v", typ, fields)
		}
	}
	invalid("HTTP", []int{1}, "options")
	invalid("HTTP", map[string]any{"method": "TRACE"}, "options.method")
	invalid("HTTP", map[string]any{"expected_status": 600}, "options.expected_status")
	invalid("HTTP", map[string]any{"expected_status": "6xx"}, "options.expected_status")
	invalid("HTTP", map[string]any{"expected_status": "299-200"}, "options.expected_status")
	invalid("HTTP", map[string]any{"expected_status": []any{200, "x"}}, "options.expected_status")
	invalid("HTTP", map[string]any{"expected_status": []any{}}, "options.expected_status")
	invalid("HTTP", map[string]any{"expected_status": true}, "options.expected_status")
	invalid("HTTP", map[string]any{"body_regex": "a("}, "options.body_regex")
	invalid("HTTP", map[string]any{"body": strings.Repeat("b", 64<<10+1)}, "options.body")
	invalid("HTTP", map[string]any{"body_contains": 5}, "options.body_contains")
	invalid("HTTP", map[string]any{"follow_redirects": "yes"}, "options.follow_redirects")
	invalid("HTTP", map[string]any{"ssl_warn_days": 0}, "options.ssl_warn_days")
	invalid("HTTP", map[string]any{"headers": map[string]any{"Bad Name": "v"}}, "options.headers")
	invalid("HTTP", map[string]any{"headers": map[string]any{"X-A": 1}}, "options.headers.X-A")
	invalid("HTTP", map[string]any{"headers": map[string]any{"x-a": "1", "X-A": "2"}}, "options.headers.X-A")
	invalid("HTTP", map[string]any{"headers": map[string]any{"Content-Length": "1"}}, "options.headers.Content-Length")
	invalid("HTTP", map[string]any{"json_path": []any{map[string]any{"path": "status", "operator": "==", "value": "ok"}}}, "options.json_path[0].path")
	invalid("HTTP", map[string]any{"json_path": []any{map[string]any{"path": "$.a", "operator": "~", "value": "ok"}}}, "options.json_path[0].operator")
	invalid("HTTP", map[string]any{"json_path": []any{map[string]any{"path": "$.a", "operator": ">", "value": "ok"}}}, "options.json_path[0].value")
	invalid("HTTP", map[string]any{"json_path": []any{map[string]any{"path": "$.a", "operator": "=="}}}, "options.json_path[0].value")
	invalid("HTTP", map[string]any{"json_path": []any{map[string]any{"path": "$.a", "operator": "==", "value": 1, "x": 1}}}, "options.json_path[0]")
	invalid("WEBSOCKET", map[string]any{"headers": map[string]any{"Sec-WebSocket-Key": "k"}}, "options.headers.Sec-Websocket-Key")
	invalid("UDP", map[string]any{"payload": "hex:abc"}, "options.payload")
	invalid("UDP", map[string]any{"payload": "hex:zz"}, "options.payload")
	invalid("PING", map[string]any{"count": 11}, "options.count")
	invalid("DNS", map[string]any{"record_type": "SRV"}, "options.record_type")
	invalid("DNS", map[string]any{"resolver": "1.1.1.1"}, "options.resolver")
	invalid("SMTP", map[string]any{"starttls": 1}, "options.starttls")
	invalid("GRPC", map[string]any{"tls": "true"}, "options.tls")
	invalid("SSL", map[string]any{"ssl_warn_days": 366}, "options.ssl_warn_days")

	normalized := []struct {
		typ  string
		opts any
		want string
	}{
		{"HTTP", map[string]any{"method": "post", "expected_status": 201, "body": "{}", "json_path": []any{
			map[string]any{"path": "$.items[0].name", "operator": "contains", "value": "ok"},
			map[string]any{"path": "$.n", "operator": ">=", "value": 2}}, "follow_redirects": false},
			`{"body":"{}","expected_status":201,"follow_redirects":false,"headers":{},"json_path":[{"path":"$.items[0].name","operator":"contains","value":"ok"},{"path":"$.n","operator":">=","value":2}],"method":"POST","ssl_warn_days":30,"verify_tls":true}`},
		{"HTTP", map[string]any{"expected_status": []int{201, 200, 201}}, `"expected_status":[200,201]`},
		{"HTTP", map[string]any{"expected_status": "2XX"}, `"expected_status":"2xx"`},
		{"HTTP", map[string]any{"expected_status": "200-204"}, `"expected_status":"200-204"`},
		{"HTTP", map[string]any{"expected_status": "204"}, `"expected_status":204`},
		{"HTTP", nil, `"expected_status":"2xx"`},
		{"TCP", map[string]any{"send": "PING\r\n", "expect": "+PONG"}, `{"expect":"+PONG","send":"PING\r\n"}`},
		{"UDP", map[string]any{"payload": "HEX:0A0b", "expect": "pong"}, `{"expect":"pong","payload":"hex:0a0b"}`},
		{"PING", map[string]any{}, `{"count":1}`},
		{"DNS", map[string]any{"record_type": "mx", "resolver": "[2606:4700:4700::1111]:53", "expected": "mx.example.com"},
			`{"expected":"mx.example.com","record_type":"MX","resolver":"[2606:4700:4700::1111]:53"}`},
		{"DNS", nil, `{"record_type":"A"}`},
		{"WEBSOCKET", map[string]any{"headers": map[string]any{"origin": "https://x.example"}}, `{"headers":{"Origin":"********"}}`},
		{"SMTP", nil, `{"starttls":false}`},
		{"GRPC", map[string]any{"service": "grpc.health.v1.Health", "tls": true}, `{"service":"grpc.health.v1.Health","tls":true}`},
		{"SSL", map[string]any{"ssl_warn_days": 14}, `{"ssl_warn_days":14}`},
		{"SSH", nil, `{}`},
		{"MONGODB", map[string]any{}, `{}`},
	}
	for _, c := range normalized {
		opts := create(c.typ, c.opts)["options"]
		got, _ := json.Marshal(opts)
		if strings.HasPrefix(c.want, "{") {
			var want any
			if err := json.Unmarshal([]byte(c.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(opts, want) {
				t.Errorf("%s %v: options %s, want %s", c.typ, c.opts, got, c.want)
			}
		} else if !strings.Contains(string(got), c.want) {
			t.Errorf("%s %v: options %s, want ...%s...", c.typ, c.opts, got, c.want)
		}
	}
}

// FuzzValidateEndpoint feeds arbitrary endpoints to every check type: no panic, and an
// accepted endpoint is accepted again unchanged (normalization is idempotent) and, for the
// host:port types, splits into a host and a port from 1 to 65535.
func FuzzValidateEndpoint(f *testing.F) {
	for _, s := range []string{"https://example.com/x", "example.com:80", "[::1]:22", "192.0.2.1", "_dmarc.example.com",
		"wss://[2001:db8::1]:443/", "http://u:p@h", "a..b:1", "example.com:65535"} {
		f.Add(s)
	}
	types := []string{checkHTTP, checkWebSocket, checkTCP, checkUDP, checkPing, checkDNS, checkSMTP, checkSSL}
	f.Fuzz(func(t *testing.T, endpoint string) {
		for _, typ := range types {
			got, problem := validateEndpoint(typ, endpoint)
			if problem != "" {
				continue
			}
			if again, p := validateEndpoint(typ, got); p != "" || again != got {
				t.Fatalf("%s %q: not idempotent (%q, %q)", typ, endpoint, again, p)
			}
			if typ == checkTCP || typ == checkUDP || typ == checkSMTP {
				_, port, err := net.SplitHostPort(got)
				if n, _ := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
					t.Fatalf("%s accepted %q with port %q (%v)", typ, got, port, err)
				}
			}
		}
	})
}
