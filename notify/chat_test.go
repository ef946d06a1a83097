package notify

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// sendChat sends n through typ's sender and returns the request and its JSON body.
func sendChat(t *testing.T, typ string, n *Notification) (hookRequest, map[string]any) {
	t.Helper()
	r := receiverFor(t, typ)
	mustSend(t, senderAt(t, typ, r), n)
	got := r.last(t)
	if got.Method != "POST" || got.Path != "/hook/SECRET" {
		t.Fatalf("%s: %s %s, want POST to the configured URL", typ, got.Method, got.Path)
	}
	return got, decodeJSON(t, got)
}

func TestSlackBlockKit(t *testing.T) {
	_, body := sendChat(t, "slack", firedNotification())
	if _, legacy := body["attachments"]; legacy {
		t.Error("Slack message uses legacy attachments")
	}
	if body["text"] != "🔴 API is down" {
		t.Errorf("fallback text = %v", body["text"])
	}
	blocks := body["blocks"].([]any)
	types := make([]string, len(blocks))
	for i := range blocks {
		types[i] = jsonAt(t, blocks, i, "type").(string)
	}
	if strings.Join(types, ",") != "header,section,context,actions" {
		t.Fatalf("block types = %v", types)
	}
	if jsonAt(t, blocks, 0, "text", "type") != "plain_text" ||
		jsonAt(t, blocks, 0, "text", "text") != "🔴 API is down" {
		t.Errorf("header = %v", blocks[0])
	}
	if jsonAt(t, blocks, 1, "text", "text") != "API is down: connection refused" ||
		jsonAt(t, blocks, 1, "fields", 0, "text") != "Service\nAPI" || jsonAt(t, blocks, 1, "fields", 0, "type") != "plain_text" {
		t.Errorf("section = %v", blocks[1])
	}
	if !strings.Contains(jsonAt(t, blocks, 2, "elements", 0, "text").(string), "2025-03-14T10:25:00Z (5 minutes ago)") {
		t.Errorf("context = %v", blocks[2])
	}
	if jsonAt(t, blocks, 3, "elements", 0, "text", "text") != "View alert" ||
		jsonAt(t, blocks, 3, "elements", 0, "url") != "https://alertify.example.com/alerts/alert-1" ||
		jsonAt(t, blocks, 3, "elements", 1, "text", "text") != "Acknowledge" ||
		jsonAt(t, blocks, 3, "elements", 1, "url") != firedNotification().AckURL {
		t.Errorf("actions = %v", blocks[3])
	}

	n := firedNotification()
	n.Error = "<!channel> & <https://evil.example|click>"
	_, body = sendChat(t, "slack", n)
	// User text is plain_text, which Slack shows as written: no mention, no link.
	if f := jsonAt(t, body, "blocks", 1, "fields", 5).(map[string]any); f["type"] != "plain_text" || f["text"] != "Error\n"+n.Error {
		t.Errorf("error field: %v", f)
	}
}

func TestDiscordEmbed(t *testing.T) {
	_, body := sendChat(t, "discord", firedNotification())
	embed := jsonAt(t, body, "embeds", 0).(map[string]any)
	if embed["title"] != "🔴 API is down" || embed["url"] != "https://alertify.example.com/alerts/alert-1" ||
		embed["color"] != float64(0xD92D20) || embed["timestamp"] != "2025-03-14T10:25:00Z" {
		t.Errorf("embed = %v", embed)
	}
	if jsonAt(t, embed, "fields", 0, "name") != "Service" || jsonAt(t, embed, "fields", 0, "value") != "API" {
		t.Errorf("fields = %v", embed["fields"])
	}
	if d := embed["description"].(string); !strings.Contains(d, "[Acknowledge](https://alertify.example.com/api/v1/alerts/alert-1/ack?token=tok123)") {
		t.Errorf("description = %q", d)
	}
	if parse := jsonAt(t, body, "allowed_mentions", "parse").([]any); len(parse) != 0 {
		t.Errorf("allowed_mentions = %v", body["allowed_mentions"])
	}
	_, body = sendChat(t, "discord", resolvedNotification())
	if jsonAt(t, body, "embeds", 0, "color") != float64(0x12B76A) || jsonAt(t, body, "embeds", 0, "timestamp") != "2025-03-14T10:30:00Z" {
		t.Errorf("recovery embed = %v", body["embeds"])
	}
}

func TestTeamsAdaptiveCard(t *testing.T) {
	_, body := sendChat(t, "msteams", firedNotification())
	if body["type"] != "message" || jsonAt(t, body, "attachments", 0, "contentType") != "application/vnd.microsoft.card.adaptive" {
		t.Fatalf("envelope = %v", body)
	}
	card := jsonAt(t, body, "attachments", 0, "content").(map[string]any)
	if card["type"] != "AdaptiveCard" || card["version"] != "1.4" {
		t.Fatalf("card type/version = %v/%v", card["type"], card["version"])
	}
	// Text from users and checks is in TextRuns, which Teams never renders as Markdown.
	if jsonAt(t, card, "body", 0, "type") != "RichTextBlock" || jsonAt(t, card, "body", 0, "inlines", 0, "color") != "Attention" ||
		jsonAt(t, card, "body", 2, "inlines", 0, "text") != "Service: " || jsonAt(t, card, "body", 2, "inlines", 1, "text") != "API" {
		t.Errorf("card body = %v", card["body"])
	}
	n := firedNotification()
	n.ServiceName = "[x](http://evil) **b**"
	_, body = sendChat(t, "msteams", n)
	raw, _ := json.Marshal(body)
	if strings.Contains(string(raw), `"TextBlock"`) || strings.Contains(string(raw), `"FactSet"`) {
		t.Errorf("user text in a Markdown element: %s", raw)
	}
	if jsonAt(t, card, "actions", 1, "type") != "Action.OpenUrl" || jsonAt(t, card, "actions", 1, "title") != "Acknowledge" {
		t.Errorf("card actions = %v", card["actions"])
	}
}

func TestMattermostAttachment(t *testing.T) {
	n := firedNotification()
	n.Error = "@channel down"
	_, body := sendChat(t, "mattermost", n)
	att := jsonAt(t, body, "attachments", 0).(map[string]any)
	if att["color"] != "#d92d20" || att["title_link"] != n.AlertURL || att["title"] != "🔴 API is down" {
		t.Errorf("attachment = %v", att)
	}
	if !strings.Contains(att["text"].(string), "[Acknowledge](") {
		t.Errorf("text = %q", att["text"])
	}
	if v := jsonAt(t, att, "fields", 5, "value").(string); strings.Contains(v, "@channel") || !strings.Contains(v, "channel") {
		t.Errorf("a mention in the error reaches Mattermost: %q", v)
	}
}

func TestGoogleChatCard(t *testing.T) {
	got, body := sendChat(t, "google_chat", firedNotification())
	if got.Query != "messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD&threadKey=alertifypro-alert-1" {
		t.Errorf("query = %q, want the alert's thread", got.Query)
	}
	card := jsonAt(t, body, "cardsV2", 0, "card").(map[string]any)
	if jsonAt(t, body, "cardsV2", 0, "cardId") != "alertifypro-"+firedNotification().ID ||
		jsonAt(t, card, "header", "title") != "🔴 API is down" ||
		body["fallbackText"] != "🔴 API is down: connection refused" {
		t.Errorf("card = %v", card)
	}
	widgets := jsonAt(t, card, "sections", 0, "widgets").([]any)
	if jsonAt(t, widgets, 1, "decoratedText", "topLabel") != "Service" ||
		jsonAt(t, widgets, len(widgets)-1, "buttonList", "buttons", 1, "onClick", "openLink", "url") != firedNotification().AckURL {
		t.Errorf("widgets = %v", widgets)
	}
}

func TestGoogleChatThreadKeepsURLQuery(t *testing.T) {
	raw := "https://chat.googleapis.com/v1/spaces/AAA/messages?key=K&token=T"
	got, _ := url.Parse(googleChatThreadURL(raw, "alert-9"))
	q := got.Query()
	if q.Get("key") != "K" || q.Get("token") != "T" || q.Get("threadKey") != "alert-9" || got.Path != "/v1/spaces/AAA/messages" {
		t.Errorf("thread URL = %s", got)
	}
	fixed := raw + "&threadKey=mine"
	if googleChatThreadURL(fixed, "alert-9") != fixed || googleChatThreadURL(raw, "") != raw {
		t.Error("a configured thread or a missing key must leave the URL alone")
	}
}

func TestRocketChatMessage(t *testing.T) {
	_, body := sendChat(t, "rocketchat", resolvedNotification())
	if body["text"] != "✅ Resolved" {
		t.Errorf("text = %v", body["text"])
	}
	att := jsonAt(t, body, "attachments", 0).(map[string]any)
	if att["color"] != "#12b76a" || att["title"] != "✅ API is up again" || att["title_link"] != "https://alertify.example.com/alerts/alert-1" ||
		!strings.Contains(att["text"].(string), "was down for 12 minutes") {
		t.Errorf("attachment = %v", att)
	}
}

func TestDiscordRetryAfterFromBody(t *testing.T) {
	r := receiverFor(t, "discord")
	s := senderAt(t, "discord", r)
	// A 429 whose Retry-After header a proxy dropped: the body still says when.
	r.respond(429, `{"message":"You are being rate limited.","retry_after":1.5,"global":false}`, nil)
	a, err := s.Send(t.Context(), firedNotification())
	if de := asDeliveryError(t, err); a.RetryAfter != 1500*time.Millisecond || de.RetryAfter != a.RetryAfter || a.Permanent {
		t.Errorf("429 with retry_after in the body: %+v", a)
	}
	// The header, when present, wins; an absurd body is capped.
	r.respond(429, `{"retry_after":1.5}`, http.Header{"Retry-After": {"3"}})
	if a, _ := s.Send(t.Context(), firedNotification()); a.RetryAfter != 3*time.Second {
		t.Errorf("header: %+v", a)
	}
	r.respond(429, `{"retry_after":1e300}`, nil)
	if a, _ := s.Send(t.Context(), firedNotification()); a.RetryAfter != maxRetryAfter {
		t.Errorf("absurd retry_after: %+v", a)
	}
}
