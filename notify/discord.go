package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Discord embed limits (discord.com/developers/docs/resources/message#embed-object-embed-limits).
const (
	discordTitleChars       = 256
	discordDescriptionChars = 4096
	discordMaxFields        = 25
	discordFieldNameChars   = 256
	discordFieldValueChars  = 1024
)

// discordSender posts to a Discord webhook as one embed, coloured by
// severity (green on recovery), titled and linked to the alert.
type discordSender struct {
	channelPoster
	url string
}

func newDiscordSender(cfg map[string]any, d Deps) (Sender, error) {
	return &discordSender{channelPoster: newChannelPoster("discord", d), url: cfgString(cfg, "url")}, nil
}

// Send posts the embed; Discord answers 204 No Content (200 with ?wait=true),
// 429 with Retry-After when rate limited.
func (s *discordSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	a, err := s.postJSON(ctx, s.url, discordPayload(renderMessage(n, s.now()), n.AlertURL), nil)
	if err != nil && a.StatusCode == http.StatusTooManyRequests && a.RetryAfter == 0 {
		return withRetryAfter(a, err, discordRetryAfter(a.Response))
	}
	return a, err
}

// discordRetryAfter reads {"retry_after": seconds} (a float) from a 429 answer, which
// Discord sends when a proxy in front of it dropped the Retry-After header.
func discordRetryAfter(answer string) time.Duration {
	var r struct {
		RetryAfter float64 `json:"retry_after"`
	}
	switch {
	case json.Unmarshal([]byte(answer), &r) != nil || r.RetryAfter <= 0:
		return 0
	case r.RetryAfter >= maxRetryAfter.Seconds():
		return maxRetryAfter
	}
	return time.Duration(r.RetryAfter * float64(time.Second))
}

// discordPayload lays m out as an embed: title (linked to the alert), the
// summary and links as the description, facts as fields, the event time as
// the timestamp. allowed_mentions is empty, so no text from a check (an
// error containing "@everyone") can ping anybody.
func discordPayload(m renderedMessage, alertURL string) map[string]any {
	description := escapeMarkdown(m.Summary)
	if links := m.markdownLinks(); links != "" {
		if description != "" {
			description += "\n\n"
		}
		description += links
	}
	embed := map[string]any{
		// Discord renders Markdown in embed titles too (not links).
		"title":  truncateChars(m.Icon+" "+markdownEscaper.Replace(m.Headline), discordTitleChars),
		"color":  m.color(),
		"footer": map[string]any{"text": "AlertifyPro"},
	}
	if description != "" {
		embed["description"] = truncateChars(description, discordDescriptionChars)
	}
	if alertURL != "" {
		embed["url"] = alertURL
	}
	if !m.When.IsZero() {
		embed["timestamp"] = m.When.UTC().Format(time.RFC3339)
	}
	var fields []any
	for _, f := range m.Facts {
		if len(fields) == discordMaxFields {
			break
		}
		fields = append(fields, map[string]any{
			"name":   truncateChars(f.Name, discordFieldNameChars),
			"value":  truncateChars(escapeMarkdown(f.Value), discordFieldValueChars),
			"inline": f.Name != "Error" && f.Name != "Endpoint", // long values get a row of their own
		})
	}
	if len(fields) > 0 {
		embed["fields"] = fields
	}
	return map[string]any{
		"username":         "AlertifyPro",
		"embeds":           []any{embed},
		"allowed_mentions": map[string]any{"parse": []any{}},
	}
}
