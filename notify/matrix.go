package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// matrixRoomID is a room ID ("!opaque:server", or "!opaque" from room
// version 12 on). Aliases (#room:server) need a lookup first and are refused.
var matrixRoomID = regexp.MustCompile(`^![!-~]{1,254}$`)

// matrixSender sends m.text events to a room through the client-server API.
// Not m.notice: the spec's default push rules mute notices, so even a critical
// alert would make no sound. Resolves, which need none, stay m.notice. Every
// event carries an empty m.mentions, so no text from a check (an "@room") can
// mention anybody.
type matrixSender struct {
	channelPoster
	homeserver  string
	accessToken string
	roomID      string
}

func validateMatrix(c *configCheck) {
	c.url("homeserver_url", true, true)
	c.token("access_token", true)
	c.match("room_id", true, matrixRoomID, "a room ID such as !abc123:example.org (not a #alias)")
}

func newMatrixSender(cfg map[string]any, d Deps) (Sender, error) {
	return &matrixSender{channelPoster: newChannelPoster("matrix", d),
		homeserver:  strings.TrimSuffix(cfgString(cfg, "homeserver_url"), "/"),
		accessToken: cfgString(cfg, "access_token"), roomID: cfgString(cfg, "room_id")}, nil
}

// Send PUTs the event with the delivery ID as the transaction ID: the
// homeserver treats a repeated transaction ID as the same event, so a retry
// after a lost answer does not post the message twice. The homeserver
// answers 200 {"event_id"}, 403 M_FORBIDDEN when the user is not in the
// room, 429 M_LIMIT_EXCEEDED with retry_after_ms.
func (s *matrixSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	if n.ID == "" {
		return configFailure(s.channel, "the notification has no ID to use as the transaction ID")
	}
	m := renderMessage(n, s.now())
	msgtype := "m.text"
	if m.Recovered {
		msgtype = "m.notice"
	}
	body := map[string]any{
		"msgtype":        msgtype,
		"m.mentions":     map[string]any{},
		"body":           m.textBody(),
		"format":         "org.matrix.custom.html",
		"formatted_body": m.inlineHTML("<br>\n"),
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return configFailure(s.channel, "encoding the message: %v", err)
	}
	endpoint := s.homeserver + "/_matrix/client/v3/rooms/" + url.PathEscape(s.roomID) +
		"/send/m.room.message/" + url.PathEscape(n.ID)
	a, err := s.do(ctx, outbound{method: http.MethodPut, url: endpoint, contentType: "application/json",
		body: raw, header: http.Header{"Authorization": {"Bearer " + s.accessToken}}})
	if err != nil && a.StatusCode == http.StatusTooManyRequests && a.RetryAfter == 0 {
		return withRetryAfter(a, err, matrixRetryAfter(a.Response))
	}
	return a, err
}

// matrixRetryAfter reads {"retry_after_ms":N} from an answer.
func matrixRetryAfter(answer string) time.Duration {
	var r struct {
		RetryAfterMS int64 `json:"retry_after_ms"`
	}
	switch {
	case json.Unmarshal([]byte(answer), &r) != nil || r.RetryAfterMS <= 0:
		return 0
	case r.RetryAfterMS > int64(maxRetryAfter/time.Millisecond):
		return maxRetryAfter
	}
	return time.Duration(r.RetryAfterMS) * time.Millisecond
}
