package notify

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"
)

// telegramMaxChars is the longest text sendMessage accepts.
const telegramMaxChars = 4096

var (
	// telegramToken is "<bot id>:<secret>"; nothing else may reach the URL path.
	telegramToken = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$`)
	// telegramChat is a numeric chat id (negative for groups) or @channelusername.
	telegramChat = regexp.MustCompile(`^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$`)
)

// telegramSender sends through the Bot API's sendMessage in HTML parse
// mode, every value escaped, link previews off.
type telegramSender struct {
	channelPoster
	apiBase string // https://api.telegram.org; tests point it at a local receiver
	token   string
	chatID  string
}

func validateTelegram(c *configCheck) {
	c.match("bot_token", true, telegramToken, "a bot token from @BotFather (123456:ABC...)")
	c.match("chat_id", true, telegramChat, "a numeric chat id or @channelusername")
}

func newTelegramSender(cfg map[string]any, d Deps) (Sender, error) {
	return &telegramSender{channelPoster: newChannelPoster("telegram", d), apiBase: "https://api.telegram.org",
		token: cfgString(cfg, "bot_token"), chatID: cfgString(cfg, "chat_id")}, nil
}

// Send posts the message. The token sits in the URL path, which errors
// never quote. A 429 says when to retry in parameters.retry_after.
func (s *telegramSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	m := renderMessage(n, s.now())
	body := map[string]any{
		"chat_id":              s.chatID,
		"text":                 m.inlineHTML("\n"),
		"parse_mode":           "HTML",
		"link_preview_options": map[string]any{"is_disabled": true},
	}
	if utf8.RuneCountInString(body["text"].(string)) > telegramMaxChars {
		// Cutting HTML could leave a tag open, which Telegram rejects: send
		// the plain text, cut, instead.
		body["text"] = truncateChars(m.textBody(), telegramMaxChars)
		delete(body, "parse_mode")
	}
	a, err := s.postJSON(ctx, s.apiBase+"/bot"+s.token+"/sendMessage", body, nil)
	if err != nil && a.StatusCode == 429 && a.RetryAfter == 0 {
		return withRetryAfter(a, err, telegramRetryAfter(a.Response))
	}
	return a, err
}

// telegramRetryAfter reads {"parameters":{"retry_after":N}} from an answer.
func telegramRetryAfter(answer string) time.Duration {
	var r struct {
		Parameters struct {
			RetryAfter int64 `json:"retry_after"`
		} `json:"parameters"`
	}
	if json.Unmarshal([]byte(answer), &r) != nil {
		return 0
	}
	return parseRetryAfter(strconv.FormatInt(r.Parameters.RetryAfter, 10), time.Time{})
}
