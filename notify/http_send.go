package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	// defaultHTTPTimeout bounds a request whose context has no deadline.
	defaultHTTPTimeout = 30 * time.Second
	// maxAnswerBytes is how much of a provider's answer is read.
	maxAnswerBytes = 64 << 10
	// maxAnswerChars is how much of it is kept (SPEC §3.11: delivery log).
	maxAnswerChars = 500
	// maxRetryAfter caps a provider's Retry-After, so an absurd value
	// neither overflows a Duration nor parks a delivery for ever.
	maxRetryAfter = 24 * time.Hour
)

// channelPoster is the HTTP side shared by every HTTP-based sender.
type channelPoster struct {
	channel   string // the channel type, prefixing errors
	client    *http.Client
	userAgent string
	now       func() time.Time
}

func newChannelPoster(channel string, d Deps) channelPoster {
	ua := d.UserAgent
	if ua == "" {
		ua = "AlertifyPro"
	}
	return channelPoster{channel: channel, client: d.HTTP, userAgent: ua, now: time.Now}
}

// outbound is one HTTP request to a provider.
type outbound struct {
	method      string // POST when empty
	url         string
	contentType string
	body        []byte
	header      http.Header // extra headers; Content-Type and User-Agent are set from the fields
}

// postJSON POSTs v, encoded as JSON, to rawURL with the extra headers.
func (p channelPoster) postJSON(ctx context.Context, rawURL string, v any, header http.Header) (Attempt, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return configFailure(p.channel, "encoding the message: %v", err)
	}
	return p.do(ctx, outbound{url: rawURL, contentType: "application/json", body: body, header: header})
}

// postForm POSTs form as application/x-www-form-urlencoded.
func (p channelPoster) postForm(ctx context.Context, rawURL string, form url.Values, header http.Header) (Attempt, error) {
	return p.do(ctx, outbound{url: rawURL, contentType: "application/x-www-form-urlencoded",
		body: []byte(form.Encode()), header: header})
}

// do sends req and classifies the outcome. A 2xx answer is a success; any
// other answer or a network failure is a *DeliveryError, permanent for the
// statuses that cannot change by retrying (see permanentStatus). Error texts
// never contain the URL: many carry a credential in their path or query.
func (p channelPoster) do(ctx context.Context, req outbound) (Attempt, error) {
	if p.client == nil {
		return configFailure(p.channel, "no HTTP client")
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, defaultHTTPTimeout)
		defer cancel()
	}
	method := req.method
	if method == "" {
		method = http.MethodPost
	}
	hr, err := http.NewRequestWithContext(ctx, method, req.url, bytes.NewReader(req.body))
	if err != nil {
		return configFailure(p.channel, "bad request URL")
	}
	for k, vs := range req.header {
		hr.Header[k] = append([]string(nil), vs...)
	}
	if req.contentType != "" {
		hr.Header.Set("Content-Type", req.contentType)
	}
	hr.Header.Set("User-Agent", p.userAgent)

	resp, err := p.client.Do(hr)
	if err != nil {
		return failed(Attempt{}, permanentTransportError(err),
			fmt.Errorf("%s: %s %s: %w", p.channel, method, redactedTarget(hr.URL), unwrapURLError(err)))
	}
	defer resp.Body.Close()
	// A broken answer body changes nothing: the status says what happened.
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	a := Attempt{StatusCode: resp.StatusCode, Response: firstChars(raw, maxAnswerChars)}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return a, nil
	}
	a.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), p.now())
	msg := fmt.Sprintf("%s: HTTP %d %s", p.channel, resp.StatusCode, http.StatusText(resp.StatusCode))
	if s := firstChars(raw, 200); s != "" {
		msg += ": " + s
	}
	return failed(a, permanentStatus(resp.StatusCode), errors.New(msg))
}

// withRetryAfter sets d as the RetryAfter of a failed attempt, for
// providers that say when to retry in the answer body instead of a header.
func withRetryAfter(a Attempt, err error, d time.Duration) (Attempt, error) {
	var de *DeliveryError
	if d > 0 && errors.As(err, &de) {
		a.RetryAfter, de.RetryAfter = d, d
	}
	return a, err
}

// permanentStatus reports whether an HTTP status means the same request can
// never succeed: a payload the provider rejects (400, 413, 415, 422), a bad
// or revoked credential (401, 403), a wrong or deleted endpoint (404, 405,
// 410). Everything else (408, 429, 5xx, unexpected redirects) is retried.
func permanentStatus(code int) bool {
	switch code {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
		http.StatusMethodNotAllowed, http.StatusGone, http.StatusRequestEntityTooLarge,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// permanentTransportError reports whether a failure before any answer is
// one retrying cannot fix: the egress policy refusing the destination, or a
// certificate that does not verify. Timeouts, refused connections and DNS
// failures are transient.
func permanentTransportError(err error) bool {
	var refused interface{ Refused() bool }
	if errors.As(err, &refused) && refused.Refused() {
		return true
	}
	var certErr *tls.CertificateVerificationError
	return errors.As(err, &certErr)
}

// unwrapURLError drops *url.Error's wrapping, whose text quotes the URL.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redactedTarget names where a request went without path or query, which
// may hold a token (Slack, Discord and Teams webhook URLs, Telegram's bot path).
func redactedTarget(u *url.URL) string {
	if u == nil {
		return "(no URL)"
	}
	return u.Scheme + "://" + u.Host
}

// parseRetryAfter reads a Retry-After value, delay-seconds or an HTTP date,
// as a duration from now; 0 when absent, malformed or past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter)
	}
	return 0
}

// firstChars returns up to n characters of raw as valid UTF-8, trimmed.
func firstChars(raw []byte, n int) string {
	s := strings.ToValidUTF8(string(raw), "\uFFFD")
	if utf8.RuneCountInString(s) > n {
		s = string([]rune(s)[:n])
	}
	return strings.TrimSpace(s)
}
