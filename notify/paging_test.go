package notify

import (
	"net/http"
	"testing"
)

func TestPagerDutyEventsV2(t *testing.T) {
	r := newHookReceiver(t, false)
	r.respond(http.StatusAccepted, `{"status":"success","message":"Event processed","dedup_key":"alertifypro-alert-1"}`, nil)
	prod := mustSender(t, "pagerduty", validConfigs["pagerduty"], r.deps())
	if e := prod.(*pagerDutySender).endpoint; e != "https://events.pagerduty.com/v2/enqueue" {
		t.Fatalf("production endpoint = %s", e)
	}
	s := senderAt(t, "pagerduty", r)

	a := mustSend(t, s, firedNotification())
	if a.StatusCode != 202 || a.Response == "" {
		t.Errorf("attempt = %+v", a)
	}
	got := r.last(t)
	if got.Method != "POST" || got.Path != "/v2/enqueue" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	ev := decodeJSON(t, got)
	want := map[string]any{"routing_key": "0123456789abcdef0123456789ABCDEF", "event_action": "trigger",
		"dedup_key": "alertifypro-alert-1", "client": "AlertifyPro", "client_url": "https://alertify.example.com/alerts/alert-1"}
	for k, v := range want {
		if ev[k] != v {
			t.Errorf("%s = %v, want %v", k, ev[k], v)
		}
	}
	if jsonAt(t, ev, "payload", "severity") != "critical" || jsonAt(t, ev, "payload", "source") != "https://api.example.com/health" ||
		jsonAt(t, ev, "payload", "timestamp") != "2025-03-14T10:25:00Z" || jsonAt(t, ev, "payload", "component") != "API" ||
		jsonAt(t, ev, "payload", "summary") != "API is down: connection refused" ||
		jsonAt(t, ev, "payload", "custom_details", "Status") != "RED" {
		t.Errorf("payload = %v", ev["payload"])
	}
	if jsonAt(t, ev, "links", 1, "href") != firedNotification().AckURL || jsonAt(t, ev, "links", 1, "text") != "Acknowledge" {
		t.Errorf("links = %v", ev["links"])
	}

	for event, action := range map[string]string{"alert.acknowledged": "acknowledge", "alert.resolved": "resolve", "alert.reminder": "trigger"} {
		n := firedNotification()
		n.Event = event
		mustSend(t, s, n)
		ev := decodeJSON(t, r.last(t))
		if ev["event_action"] != action || ev["dedup_key"] != "alertifypro-alert-1" || ev["routing_key"] == nil {
			t.Errorf("%s: event %v", event, ev)
		}
		if _, hasPayload := ev["payload"]; hasPayload != (action == "trigger") {
			t.Errorf("%s: payload present = %v", event, hasPayload)
		}
	}

	for severity, want := range map[string]string{"warning": "warning", "info": "info", "": "error"} {
		n := firedNotification()
		n.Severity = severity
		mustSend(t, s, n)
		if got := jsonAt(t, decodeJSON(t, r.last(t)), "payload", "severity"); got != want {
			t.Errorf("severity %q → %v, want %s", severity, got, want)
		}
	}
}

func TestOpsgenieCreateAcknowledgeClose(t *testing.T) {
	r := newHookReceiver(t, false)
	r.respond(http.StatusAccepted, `{"result":"Request will be processed","took":0.2,"requestId":"r1"}`, nil)
	s := senderAt(t, "opsgenie", r)
	key := "GenieKey " + validConfigs["opsgenie"]["api_key"].(string)

	mustSend(t, s, firedNotification())
	got := r.last(t)
	if got.Method != "POST" || got.Path != "/v2/alerts" || got.Header.Get("Authorization") != key {
		t.Fatalf("create: %s %s %v", got.Method, got.Path, got.Header)
	}
	body := decodeJSON(t, got)
	if body["alias"] != "alertifypro-alert-1" || body["priority"] != "P1" || body["entity"] != "API" ||
		body["message"] != "API is down" || jsonAt(t, body, "details", "Acknowledge") != firedNotification().AckURL {
		t.Errorf("create body = %v", body)
	}

	n := firedNotification()
	n.Event = "alert.acknowledged"
	mustSend(t, s, n)
	if got := r.last(t); got.Path != "/v2/alerts/alertifypro-alert-1/acknowledge" || got.Query != "identifierType=alias" {
		t.Errorf("acknowledge: %s?%s", got.Path, got.Query)
	}
	mustSend(t, s, resolvedNotification())
	got = r.last(t)
	if got.Path != "/v2/alerts/alertifypro-alert-1/close" || got.Query != "identifierType=alias" ||
		got.Header.Get("Authorization") != key || decodeJSON(t, got)["source"] != "AlertifyPro" {
		t.Errorf("close: %s?%s %s", got.Path, got.Query, got.Body)
	}

	n = resolvedNotification()
	n.DedupKey = "a/b c"
	mustSend(t, s, n)
	if got := r.last(t); got.Path != "/v2/alerts/a%2Fb%20c/close" {
		t.Errorf("alias not escaped in the path: %s", got.Path)
	}
}

func TestOpsgenieRegions(t *testing.T) {
	d := Deps{HTTP: http.DefaultClient}
	for region, host := range map[string]string{"": "https://api.opsgenie.com", "us": "https://api.opsgenie.com", "eu": "https://api.eu.opsgenie.com"} {
		cfg := map[string]any{"api_key": "k"}
		if region != "" {
			cfg["region"] = region
		}
		s, err := NewSender("opsgenie", cfg, d)
		if err != nil || s.(*opsgenieSender).apiBase != host {
			t.Errorf("region %q: %v, %v", region, s, err)
		}
	}
}
