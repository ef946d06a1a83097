package api

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestDocAlertRuleForm replays the documentation's alert-rule form: condition
// as a string ("status == RED"), consecutive_failures beside it and notify
// listing channels. It is stored in our form (statuses, count, channel_ids),
// answered in our form, and bad values name the documented field.
func TestDocAlertRuleForm(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	recv := newHookReceiver(t, testWebhookSecret, http.StatusOK)
	ch := createChannel(t, e, ada.Token, webhookChannelBody("Ops hook", recv.URL))
	svc := e.createHTTPService(ada.Token, "API", "https://api.example.com")
	cond := func(rec *httptest.ResponseRecorder) map[string]any {
		return decode[map[string]any](t, rec)["condition"].(map[string]any)
	}
	var ruleID string
	e.run([]scenario{
		{name: "the documented form", method: "POST", path: "/api/v1/alert-rules", token: ada.Token, status: 201,
			body: map[string]any{"name": "API down", "service_id": svc, "severity": "critical",
				"condition": "status == RED", "consecutive_failures": 3, "notify": []string{ch.ID}},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				c := cond(rec)
				ids := decode[map[string]any](t, rec)["channel_ids"].([]any)
				if !slices.Equal(toStrings(c["statuses"]), []string{"RED"}) || c["consecutive_failures"] != 3.0 ||
					len(ids) != 1 || ids[0] != ch.ID {
					t.Fatalf("rule %s", rec.Body.String())
				}
				ruleID = decode[map[string]any](t, rec)["id"].(string)
			}},
		{name: "notify by channel name, an expression as the condition", method: "POST", path: "/api/v1/alert-rules", token: ada.Token, status: 201,
			body: map[string]any{"name": "Slow", "service_id": svc, "condition": "response_time > 5000 && status == YELLOW", "notify": []string{"Ops hook"}},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				c := cond(rec)
				if c["expression"] != `response_time > 5000 && status == "YELLOW"` ||
					decode[map[string]any](t, rec)["channel_ids"].([]any)[0] != ch.ID {
					t.Fatalf("rule %s", rec.Body.String())
				}
			}},
		{name: "status != GREEN is RED or YELLOW", method: "POST", path: "/api/v1/alert-rules", token: ada.Token, status: 201,
			body: map[string]any{"name": "Any failure", "service_id": svc, "condition": "status != GREEN"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if c := cond(rec); !slices.Equal(toStrings(c["statuses"]), []string{"RED", "YELLOW"}) || c["expression"] != nil {
					t.Fatalf("rule %s", rec.Body.String())
				}
			}},
		{name: "a bad condition names condition", method: "POST", path: "/api/v1/alert-rules", token: ada.Token, status: 422,
			body:     map[string]any{"name": "Bad", "service_id": svc, "condition": "status === RED"},
			contains: []string{`"condition":`}},
		{name: "a bad count names consecutive_failures", method: "POST", path: "/api/v1/alert-rules", token: ada.Token, status: 422,
			body:     map[string]any{"name": "Bad", "service_id": svc, "condition": "status == RED", "consecutive_failures": 0},
			contains: []string{`"consecutive_failures":`}},
		{name: "an unknown channel names notify", method: "POST", path: "/api/v1/alert-rules", token: ada.Token, status: 422,
			body:     map[string]any{"name": "Bad", "service_id": svc, "notify": []string{"nobody"}},
			contains: []string{`"notify[0]":`}},
		{name: "notify beside channel_ids is refused", method: "POST", path: "/api/v1/alert-rules", token: ada.Token, status: 422,
			body:     map[string]any{"name": "Bad", "service_id": svc, "notify": []string{ch.ID}, "channel_ids": []string{ch.ID}},
			contains: []string{`"notify":`}},
	})
	// The stored rule works as the documentation says: three RED results fire it, two do not.
	now := e.clock.Now()
	for i := range 2 {
		e.recordAt(ada.OrgID, store.CheckResult{ServiceID: svc, CheckedAt: now.Add(time.Duration(i) * time.Minute), Status: store.StatusRed, Error: "down"})
	}
	open := func() int {
		als, _, err := e.db.Alerts(ada.OrgID, store.AlertFilter{Status: "open", ServiceID: svc, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, al := range als {
			if al.AlertRuleID == ruleID {
				n++
			}
		}
		return n
	}
	if n := open(); n != 0 {
		t.Fatalf("%d alerts after 2 failures", n)
	}
	e.recordAt(ada.OrgID, store.CheckResult{ServiceID: svc, CheckedAt: now.Add(2 * time.Minute), Status: store.StatusRed, Error: "down"})
	if n := open(); n != 1 {
		t.Fatalf("%d alerts after 3 failures", n)
	}
	e.run([]scenario{{name: "export writes our form", method: "GET", path: "/api/v1/export?format=json", token: ada.Token, status: 200,
		contains: []string{`"statuses"`, `"channels"`}, notContains: []string{`"notify"`, `"condition":"status`}}})
}

// toStrings converts a decoded JSON array of strings.
func toStrings(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// TestDocEscalationPolicyWithoutSteps: a policy may be created without steps;
// the answer says it notifies nobody, and an alert of a rule that uses it
// says so in its notes.
func TestDocEscalationPolicyWithoutSteps(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	rec := e.do("POST", "/api/v1/escalation-policies", ada.Token, map[string]any{"name": "Placeholder"})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	pol := decode[map[string]any](t, rec)
	if rules, _ := pol["rules"].([]any); rules == nil || len(rules) != 0 || pol["notifies_nobody"] != true {
		t.Fatalf("policy %s", rec.Body.String())
	}
	svc := e.createHTTPService(ada.Token, "API", "https://api.example.com")
	if rec := e.do("POST", "/api/v1/alert-rules", ada.Token, map[string]any{"name": "Down", "service_id": svc,
		"escalation_policy_id": pol["id"]}); rec.Code != http.StatusCreated {
		t.Fatalf("rule: %d %s", rec.Code, rec.Body.String())
	}
	e.recordAt(ada.OrgID, store.CheckResult{ServiceID: svc, CheckedAt: e.clock.Now(), Status: store.StatusRed, Error: "down"})
	rec = e.do("GET", "/api/v1/alerts", ada.Token, nil)
	als := decode[[]map[string]any](t, rec)
	if len(als) != 1 {
		t.Fatalf("alerts %s", rec.Body.String())
	}
	notes, _ := als[0]["notes"].([]any)
	if len(notes) != 1 || notes[0].(map[string]any)["text"] != `Escalation policy "Placeholder" has no steps: it notifies nobody.` {
		t.Fatalf("alert notes %v", als[0]["notes"])
	}
}

// TestDocAlertRuleFormImport: the documentation's YAML rule form imports, with
// the service's documented option names, and exports in ours.
func TestDocAlertRuleFormImport(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	recv := newHookReceiver(t, testWebhookSecret, http.StatusOK)
	createChannel(t, e, ada.Token, webhookChannelBody("Ops hook", recv.URL))
	doc := `version: 1
services:
  - name: API
    endpoint: https://api.example.com/health
    check_type: HTTP
    assert_status: 200
    assert_jsonpath:
      - path: $.status
        value: ok
alert_rules:
  - name: API down
    service: API
    condition: "status == RED"
    consecutive_failures: 3
    notify: [Ops hook]
`
	e.importDoc(ada.Token, "", "application/yaml", doc, http.StatusOK)
	rules, err := e.db.AlertRules(ada.OrgID, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) != 1 || !slices.Equal(rules[0].Condition.Statuses, []string{"RED"}) || rules[0].Condition.ConsecutiveFailures != 3 ||
		len(rules[0].ChannelIDs) != 1 {
		t.Fatalf("imported rules %+v", rules)
	}
	out := e.do("GET", "/api/v1/export", ada.Token, nil).Body.String()
	for _, bad := range []string{"notify:", "assert_status", "assert_jsonpath", "status == RED"} {
		if strings.Contains(out, bad) {
			t.Errorf("export holds %q:\n%s", bad, out)
		}
	}
	again := e.importDoc(ada.Token, "", "application/yaml", doc, http.StatusOK)
	if len(again.Changes) != 0 {
		t.Errorf("importing the same document again changes %v", again.Changes)
	}
}
