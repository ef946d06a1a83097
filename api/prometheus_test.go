package api

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
)

const testMetricsToken = "scrape-me-0123456789abcdef"

// promSample is one parsed sample line.
type promSample struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	promNameRE = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*`)
	promMetaRE = regexp.MustCompile(`^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$`)
)

// parseProm parses the text exposition line by line, strictly: every line is a comment
// (HELP/TYPE), or name{label="value",...} value, with label values escaped as the format
// defines. It fails the test on anything else.
func parseProm(t *testing.T, text string) []promSample {
	t.Helper()
	if !strings.HasSuffix(text, "\n") {
		t.Fatalf("exposition does not end with a newline")
	}
	var out []promSample
	for n, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			if !promMetaRE.MatchString(line) {
				t.Fatalf("line %d: bad comment %q", n+1, line)
			}
			continue
		}
		name := promNameRE.FindString(line)
		if name == "" {
			t.Fatalf("line %d: no metric name: %q", n+1, line)
		}
		rest := line[len(name):]
		s := promSample{name: name, labels: map[string]string{}}
		if strings.HasPrefix(rest, "{") {
			var err error
			if rest, err = parsePromLabels(rest[1:], s.labels); err != nil {
				t.Fatalf("line %d: %v: %q", n+1, err, line)
			}
		}
		if !strings.HasPrefix(rest, " ") {
			t.Fatalf("line %d: no value: %q", n+1, line)
		}
		v, err := strconv.ParseFloat(strings.TrimPrefix(rest, " "), 64)
		if err != nil {
			t.Fatalf("line %d: bad value: %q", n+1, line)
		}
		s.value = v
		out = append(out, s)
	}
	return out
}

// parsePromLabels reads label="value" pairs up to the closing brace and returns the rest.
func parsePromLabels(s string, into map[string]string) (string, error) {
	for {
		if strings.HasPrefix(s, "}") {
			return s[1:], nil
		}
		name := promNameRE.FindString(s)
		if name == "" || !strings.HasPrefix(s[len(name):], `="`) {
			return "", fmt.Errorf("bad label at %q", s)
		}
		s = s[len(name)+2:]
		var v strings.Builder
		for {
			if s == "" {
				return "", fmt.Errorf("unterminated label value")
			}
			c := s[0]
			if c == '"' {
				s = s[1:]
				break
			}
			if c == '\n' {
				return "", fmt.Errorf("raw newline in a label value")
			}
			if c == '\\' {
				if len(s) < 2 {
					return "", fmt.Errorf("dangling backslash")
				}
				switch s[1] {
				case '\\':
					v.WriteByte('\\')
				case '"':
					v.WriteByte('"')
				case 'n':
					v.WriteByte('\n')
				default:
					return "", fmt.Errorf("unknown escape \\%c", s[1])
				}
				s = s[2:]
				continue
			}
			v.WriteByte(c)
			s = s[1:]
		}
		into[name] = v.String()
		if strings.HasPrefix(s, ",") {
			s = s[1:]
		}
	}
}

// find returns the samples named name whose labels include match.
func find(samples []promSample, name string, match map[string]string) []promSample {
	var out []promSample
next:
	for _, s := range samples {
		if s.name != name {
			continue
		}
		for k, v := range match {
			if s.labels[k] != v {
				continue next
			}
		}
		out = append(out, s)
	}
	return out
}

func scrape(e *testEnv, auth string) *httptest.ResponseRecorder {
	return e.getWithHeaders("/metrics", "Authorization", auth)
}

func TestPrometheusOffWithoutToken(t *testing.T) {
	e := newTestEnv(t)
	for _, auth := range []string{"", "Bearer ", "Bearer anything"} {
		if rec := scrape(e, auth); rec.Code != 404 {
			t.Fatalf("METRICS_TOKEN unset, auth %q: %d, want 404", auth, rec.Code)
		}
	}
}

func TestPrometheusExposition(t *testing.T) {
	e, _ := newEngineEnv(t, nil, func(c *config.Config) { c.MetricsToken = testMetricsToken })
	ada := e.newUser("ada@example.com", "Ada")
	for _, auth := range []string{"", "Bearer", "Bearer wrong", "Basic " + testMetricsToken, "Bearer " + testMetricsToken + "x"} {
		rec := scrape(e, auth)
		if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
			t.Fatalf("auth %q: %d (WWW-Authenticate %q), want 401", auth, rec.Code, rec.Header().Get("WWW-Authenticate"))
		}
		assertErrorBody(t, rec, "unauthorized")
	}
	// Not under /api/v1, and an API token is not the metrics token.
	if rec := scrape(e, "Bearer "+ada.Token); rec.Code != 401 {
		t.Fatalf("a user token on /metrics: %d, want 401", rec.Code)
	}
	if rec := e.do("GET", "/api/v1/metrics", testMetricsToken, nil); rec.Code != 401 {
		t.Fatalf("the metrics token on the API: %d, want 401", rec.Code)
	}

	tricky := `Shop "EU" \ main`
	up := e.createHTTPService(ada.Token, tricky, okServer(t).URL)
	down := e.mustCreateService(ada.Token, map[string]any{"name": "Down", "endpoint": closedPort(t), "check_type": "tcp"})["id"].(string)
	pending := e.createHTTPService(ada.Token, "Pending", "https://example.com")
	tls := e.mustCreateService(ada.Token, map[string]any{"name": "Cert", "endpoint": "example.com", "check_type": "ssl"})["id"].(string)
	for _, id := range []string{up, down} {
		if rec := e.do("POST", "/api/v1/services/"+id+"/check", ada.Token, nil); rec.Code != 200 {
			t.Fatalf("check: %d %s", rec.Code, rec.Body.String())
		}
	}
	e.withCertificate(ada.OrgID, tls, e.clock.Now().Add(10*24*time.Hour))

	rec := scrape(e, "Bearer "+testMetricsToken)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("scrape: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	samples := parseProm(t, rec.Body.String())
	if !strings.Contains(rec.Body.String(), `name="Shop \"EU\" \\ main"`) {
		t.Errorf("label value not escaped as the format defines:\n%s", rec.Body.String())
	}
	got := find(samples, "alertifypro_service_up", map[string]string{"service_id": up})
	if len(got) != 1 || got[0].value != 1 || got[0].labels["name"] != tricky || got[0].labels["organization_id"] != ada.OrgID ||
		got[0].labels["check_type"] != "HTTP" {
		t.Errorf("up sample of %q: %+v", tricky, got)
	}
	if got := find(samples, "alertifypro_service_up", map[string]string{"service_id": down}); len(got) != 1 || got[0].value != 0 {
		t.Errorf("down sample: %+v", got)
	}
	if got := find(samples, "alertifypro_service_up", map[string]string{"service_id": pending}); len(got) != 0 {
		t.Errorf("a pending service has an up sample: %+v", got)
	}
	if got := find(samples, "alertifypro_service_response_time_ms", map[string]string{"service_id": up}); len(got) != 1 {
		t.Errorf("response time samples: %+v", got)
	}
	if got := find(samples, "alertifypro_service_cert_expiry_seconds", map[string]string{"service_id": tls}); len(got) != 1 || got[0].value != 10*24*3600 {
		t.Errorf("certificate expiry: %+v", got)
	}
	// The engine counted both checks; the histogram and database size are there.
	if got := find(samples, "alertifypro_checks_total", map[string]string{"status": "GREEN"}); len(got) != 1 || got[0].value != 1 {
		t.Errorf("checks_total GREEN: %+v", got)
	}
	if got := find(samples, "alertifypro_checks_total", map[string]string{"status": "RED"}); len(got) != 1 || got[0].value != 1 {
		t.Errorf("checks_total RED: %+v", got)
	}
	if got := find(samples, "alertifypro_check_duration_seconds_count", nil); len(got) != 1 || got[0].value != 2 {
		t.Errorf("check duration histogram count: %+v", got)
	}
	if got := find(samples, "alertifypro_database_size_bytes", nil); len(got) != 1 || got[0].value <= 0 {
		t.Errorf("database size: %+v", got)
	}
	if got := find(samples, "alertifypro_build_info", map[string]string{"version": "test"}); len(got) != 1 {
		t.Errorf("build info: %+v", got)
	}
}

func TestPromLabelEscaping(t *testing.T) {
	cases := map[string]string{
		`plain`:        `{k="plain"}`,
		`a"b`:          `{k="a\"b"}`,
		`back\slash`:   `{k="back\\slash"}`,
		"two\nlines":   `{k="two\nlines"}`,
		"cr\rhere":     `{k="cr here"}`,
		"tab\tstays":   "{k=\"tab\tstays\"}",
		"ünïcödé ✓":    `{k="ünïcödé ✓"}`,
		`\"` + "\n":    `{k="\\\"\n"}`,
		"zero\x00byte": "{k=\"zero\x00byte\"}",
	}
	for in, want := range cases {
		if got := promLabels("k", in); got != want {
			t.Errorf("promLabels(%q) = %s, want %s", in, got, want)
		}
	}
	if got := promLabels("a", "1", "b", "2"); got != `{a="1",b="2"}` {
		t.Errorf("two labels: %s", got)
	}
}
