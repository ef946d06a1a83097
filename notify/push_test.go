package notify

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// decodeForm decodes a captured form body.
func decodeForm(t *testing.T, c hookRequest) url.Values {
	t.Helper()
	if ct := c.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", ct)
	}
	v, err := url.ParseQuery(string(c.Body))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPushoverForm(t *testing.T) {
	r := newHookReceiver(t, false)
	r.respond(200, `{"status":1,"request":"647d2300-702c-4b38-8b2f-d56326ae460b"}`, nil)
	mustSend(t, senderAt(t, "pushover", r), firedNotification())
	got := r.last(t)
	f := decodeForm(t, got)
	if got.Method != "POST" || got.Path != "/1/messages.json" || f.Get("token") != validConfigs["pushover"]["app_token"] ||
		f.Get("user") != validConfigs["pushover"]["user_key"] || f.Get("priority") != "1" ||
		f.Get("url") != "https://alertify.example.com/alerts/alert-1" || f.Get("title") != "🔴 API is down" ||
		f.Get("timestamp") != "1741947900" {
		t.Errorf("request %s %s: %v", got.Method, got.Path, f)
	}
	if m := f.Get("message"); !strings.HasPrefix(m, "API is down") || !strings.Contains(m, "Acknowledge: https://") {
		t.Errorf("message = %q", m)
	}
}

func TestNtfyPlainTextWithHeaders(t *testing.T) {
	r := newHookReceiver(t, false)
	cfg := map[string]any{"server_url": r.srv.URL + "/ntfy/", "topic": "ops", "token": "tk_abc"}
	n := firedNotification()
	n.ServiceName = "*bold* [x](http://evil) Zürich"
	mustSend(t, mustSender(t, "ntfy", cfg, r.deps()), n)
	got := r.last(t)
	if got.Method != "POST" || got.Path != "/ntfy/ops" || got.Header.Get("Authorization") != "Bearer tk_abc" ||
		!strings.HasPrefix(got.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("%s %s %v", got.Method, got.Path, got.Header)
	}
	h := got.Header
	if h.Get("Title") != "API is down" || h.Get("Priority") != "5" || h.Get("Tags") != "rotating_light" ||
		h.Get("Click") != "https://alertify.example.com/alerts/alert-1" || h.Get("Markdown") != "" {
		t.Errorf("headers = %v", h)
	}
	var actions []map[string]any
	if err := json.Unmarshal([]byte(h.Get("Actions")), &actions); err != nil || len(actions) != 2 ||
		actions[0]["action"] != "view" || actions[0]["url"] != n.AlertURL ||
		actions[1]["action"] != "http" || actions[1]["method"] != "POST" || actions[1]["url"] != n.AckURL {
		t.Errorf("Actions = %s (%v)", h.Get("Actions"), err)
	}
	body := string(got.Body)
	if !strings.HasPrefix(body, "API is down: connection refused\n\nService: *bold* [x](http://evil) Zürich\n") ||
		strings.Contains(body, "**") || strings.Contains(body, `\*`) {
		t.Errorf("body is not plain text:\n%s", body)
	}

	// A title that is not ASCII travels RFC 2047-encoded; the message is capped at 4 096 bytes.
	n.Title, n.Error = "Zürich API is down", strings.Repeat("é", 3000)
	r2 := newHookReceiver(t, false)
	mustSend(t, senderAt(t, "ntfy", r2), n)
	got = r2.last(t)
	if title, err := new(mime.WordDecoder).DecodeHeader(got.Header.Get("Title")); err != nil || title != "Zürich API is down" ||
		!strings.HasPrefix(got.Header.Get("Title"), "=?utf-8?") {
		t.Errorf("Title %q → %q, %v", got.Header.Get("Title"), title, err)
	}
	if len(got.Body) > ntfyMaxMessageBytes || !utf8.Valid(got.Body) || got.Header.Get("Authorization") != "" {
		t.Errorf("long message: %d bytes, valid %v", len(got.Body), utf8.Valid(got.Body))
	}
	// A recovery: default priority, no acknowledge action.
	mustSend(t, senderAt(t, "ntfy", r2), resolvedNotification())
	got = r2.last(t)
	if got.Header.Get("Priority") != "3" || strings.Contains(got.Header.Get("Actions"), `"action":"http"`) {
		t.Errorf("recovery: %v", got.Header)
	}
}

func TestGotifyMessage(t *testing.T) {
	r := newHookReceiver(t, false)
	mustSend(t, senderAt(t, "gotify", r), firedNotification())
	got := r.last(t)
	if got.Method != "POST" || got.Path != "/message" || got.Header.Get("X-Gotify-Key") != "AbCdEf.123" || got.Query != "" {
		t.Fatalf("%s %s?%s %v", got.Method, got.Path, got.Query, got.Header)
	}
	body := decodeJSON(t, got)
	if body["priority"] != float64(8) || jsonAt(t, body, "extras", "client::display", "contentType") != "text/markdown" ||
		jsonAt(t, body, "extras", "client::notification", "click", "url") != "https://alertify.example.com/alerts/alert-1" ||
		!strings.Contains(body["message"].(string), "**Service:** API") {
		t.Errorf("body = %v", body)
	}
}

func TestTelegramSendMessage(t *testing.T) {
	r := newHookReceiver(t, false)
	s := senderAt(t, "telegram", r)
	n := firedNotification()
	n.Error = `<b>x</b> & "y"`
	mustSend(t, s, n)
	got := r.last(t)
	if got.Method != "POST" || got.Path != "/bot123456:ABCdefGhIJKlmNoPQRsTUVwxyZ012345678/sendMessage" {
		t.Fatalf("%s %s", got.Method, got.Path)
	}
	body := decodeJSON(t, got)
	text := body["text"].(string)
	if body["chat_id"] != "-1001234567890" || body["parse_mode"] != "HTML" || jsonAt(t, body, "link_preview_options", "is_disabled") != true {
		t.Errorf("body = %v", body)
	}
	if !strings.Contains(text, "<b>Error:</b> &lt;b&gt;x&lt;/b&gt; &amp; &#34;y&#34;") ||
		!strings.Contains(text, `<a href="https://alertify.example.com/api/v1/alerts/alert-1/ack?token=tok123">Acknowledge</a>`) {
		t.Errorf("text = %q", text)
	}

	r.respond(429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 5","parameters":{"retry_after":5}}`, nil)
	a, err := s.Send(t.Context(), n)
	if de := asDeliveryError(t, err); a.RetryAfter != 5*time.Second || de.RetryAfter != 5*time.Second || a.Permanent {
		t.Errorf("429 with parameters.retry_after: attempt %+v", a)
	}
	r.respond(403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`, nil)
	if a, err := s.Send(t.Context(), n); err == nil || !a.Permanent || strings.Contains(err.Error(), "ABCdef") {
		t.Errorf("403: attempt %+v, err %v", a, err)
	}
}

func TestTelegramLongMessageFallsBackToPlainText(t *testing.T) {
	r := newHookReceiver(t, false)
	n := firedNotification()
	n.Summary = strings.Repeat("<&>", 2000)
	mustSend(t, senderAt(t, "telegram", r), n)
	body := decodeJSON(t, r.last(t))
	if _, html := body["parse_mode"]; html || len([]rune(body["text"].(string))) > 4096 {
		t.Errorf("long message: parse_mode %v, %d characters", body["parse_mode"], len([]rune(body["text"].(string))))
	}
}

func TestTwilioSMS(t *testing.T) {
	r := newHookReceiver(t, false)
	r.respond(201, `{"sid":"SM123","status":"queued"}`, nil)
	a := mustSend(t, senderAt(t, "twilio_sms", r), firedNotification())
	got := r.last(t)
	sid := "AC0123456789abcdef0123456789abcdef"
	if a.StatusCode != 201 || got.Method != "POST" || got.Path != "/2010-04-01/Accounts/"+sid+"/Messages.json" {
		t.Fatalf("%d %s %s", a.StatusCode, got.Method, got.Path)
	}
	if got.Header.Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte(sid+":tok")) {
		t.Errorf("Authorization = %q", got.Header.Get("Authorization"))
	}
	f := decodeForm(t, got)
	if f.Get("To") != "+491701234567" || f.Get("From") != "+14155550100" {
		t.Errorf("form = %v", f)
	}
	if b := f.Get("Body"); b != "API is down: connection refused\n"+firedNotification().AckURL {
		t.Errorf("Body = %q", b)
	}
}

func TestSMSTextFitsTwoSegments(t *testing.T) {
	// A typical alert with a real acknowledge link (a UUID and a signed token).
	ack := "https://status.example.com/api/v1/alerts/01a24e1d-85b9-72ad-87d8-314187f04486/ack?token=" +
		"MDFhMjRlMWQtODU4ZS03MjYzLTk1ODAtOTM2OGYxN2VhNjhifDAxYTI0ZTFkLTg1YjktNzJhZC04N2Q4LTMxNDE4N2YwNDQ4NnwxNzc4NDkwMDAw." +
		"DIbA8FfCRuCe2bdvXkWbMhRh6iugRAS3Pco76RtoRDg"
	m := renderMessage(firedNotification(), channelsNow)
	m.Links[1].URL = ack
	body := twilioBody(m)
	if !gsmOnly(body) || smsSegments(body) > 2 || !strings.HasSuffix(body, "\n"+ack) ||
		!strings.HasPrefix(body, "API is down: ") || strings.Count(body, "\n") != 1 {
		t.Errorf("typical alert: %d segments, GSM-7 %v:\n%s", smsSegments(body), gsmOnly(body), body)
	}
	// A long error is cut with ASCII "...", which keeps GSM-7.
	n := firedNotification()
	n.Summary = "API is down: " + strings.Repeat("timeout ", 80) + "…"
	m = renderMessage(n, channelsNow)
	m.Links[1].URL = ack
	if body := twilioBody(m); !gsmOnly(body) || smsSegments(body) != 2 || !strings.Contains(body, "...\n") {
		t.Errorf("long alert: %d segments, GSM-7 %v:\n%s", smsSegments(body), gsmOnly(body), body)
	}
	// Content that needs UCS-2 stays within two UCS-2 segments; the link goes if it
	// would leave no room for the line.
	n.Summary = "API 東京 is down: " + strings.Repeat("タイムアウト", 30)
	m = renderMessage(n, channelsNow)
	m.Links[1].URL = ack
	if body := twilioBody(m); gsmOnly(body) || smsSegments(body) > 2 || strings.Contains(body, "token=") {
		t.Errorf("UCS-2 alert: %d segments:\n%s", smsSegments(body), body)
	}
	for s, want := range map[string]int{strings.Repeat("a", 160): 1, strings.Repeat("a", 161): 2, strings.Repeat("€", 80): 1,
		strings.Repeat("€", 81): 2, strings.Repeat("é", 160): 1, strings.Repeat("😀", 35): 1, strings.Repeat("😀", 36): 2} {
		if got := smsSegments(s); got != want {
			t.Errorf("smsSegments(%d × %q) = %d, want %d", len([]rune(s)), []rune(s)[0], got, want)
		}
	}
}

func TestMatrixIdempotentPut(t *testing.T) {
	r := newHookReceiver(t, false)
	r.respond(200, `{"event_id":"$abc"}`, nil)
	s := senderAt(t, "matrix", r)
	n := firedNotification()
	mustSend(t, s, n)
	first := r.last(t)
	want := "/_matrix/client/v3/rooms/%21room:example.org/send/m.room.message/" + n.ID
	if first.Method != "PUT" || first.Path != want || first.Header.Get("Authorization") != "Bearer syt_abc" {
		t.Fatalf("%s %s %v, want PUT %s", first.Method, first.Path, first.Header, want)
	}
	body := decodeJSON(t, first)
	// m.text, which the default push rules let ring (m.notice is muted), and an empty
	// m.mentions, so an "@room" in a check error mentions nobody.
	if body["msgtype"] != "m.text" || body["format"] != "org.matrix.custom.html" || fmt.Sprint(body["m.mentions"]) != "map[]" ||
		!strings.Contains(body["formatted_body"].(string), "<br>") || !strings.HasPrefix(body["body"].(string), "API is down\n") {
		t.Errorf("body = %v", body)
	}
	mustSend(t, s, n) // a retry reuses the transaction ID
	if again := r.last(t); again.Path != first.Path {
		t.Errorf("retry went to %s, want the same transaction %s", again.Path, first.Path)
	}

	r.respond(429, `{"errcode":"M_LIMIT_EXCEEDED","error":"Too many requests","retry_after_ms":2500}`, nil)
	if a, err := s.Send(t.Context(), n); err == nil || a.RetryAfter != 2500*time.Millisecond || a.Permanent {
		t.Errorf("429 with retry_after_ms: attempt %+v", a)
	}
	r.respond(403, `{"errcode":"M_FORBIDDEN","error":"not in room"}`, nil)
	if a, _ := s.Send(t.Context(), n); !a.Permanent {
		t.Errorf("403: attempt %+v", a)
	}
	if _, err := s.Send(t.Context(), &Notification{Event: "test"}); !asDeliveryError(t, err).Permanent {
		t.Error("a notification without an ID must not be sent without a transaction ID")
	}
}
