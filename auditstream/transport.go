package auditstream

import (
	"bytes"
	"context"
	"encoding/base64"
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

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// Opener opens the sealed URL and credentials of a stream (crypto.Sealer is one).
type Opener interface {
	Open(sealed []byte, orgID, recordID string) ([]byte, error)
}

// URLRecord and SecretRecord are the records a stream's URL and credentials are sealed
// to, with its organization.
func URLRecord(streamID string) string { return "audit_stream:" + streamID + ":url" }

// SecretRecord is the record the credential field of stream streamID is sealed to.
func SecretRecord(streamID, field string) string {
	return "audit_stream:" + streamID + ":" + field
}

// ErrNoSecrets is the failure of a credential written as a {{secrets.NAME}} reference
// when no secrets resolver is wired.
var ErrNoSecrets = errors.New("secrets are not available")

const (
	// attemptTimeout bounds one delivery (connect, send, answer).
	attemptTimeout = 15 * time.Second
	// maxAnswerBytes is how much of an answer is read; maxAnswerChars how much is kept.
	maxAnswerBytes = 64 << 10
	maxAnswerChars = 500
	// maxRetryAfter caps a receiver's Retry-After.
	maxRetryAfter = time.Hour
)

// Transport sends batches of events to one destination: it opens the stream's sealed
// settings, resolves {{secrets.NAME}} references (Secrets; nil makes a reference an
// error), encodes the batch in the destination's format and judges the answer. Every
// connection goes through the egress guard; redirects are not followed (a SIEM that
// moved must be reconfigured, not chased).
type Transport struct {
	HTTP      *http.Client
	Opener    Opener
	Secrets   vault.Resolver
	UserAgent string
	Now       func() time.Time // clock of webhook envelopes; default time.Now
}

// NewTransport is a Transport whose HTTP client dials through guard.
func NewTransport(guard *egress.Guard, opener Opener, secrets vault.Resolver, userAgent string) *Transport {
	client := &http.Client{Transport: guard.Transport(false),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Transport{HTTP: client, Opener: opener, Secrets: secrets, UserAgent: userAgent}
}

// Result is the outcome of one delivery.
type Result struct {
	Status     int           // the receiver's HTTP status; 0 when no answer came
	Response   string        // the first 500 characters of the answer
	RetryAfter time.Duration // the receiver's Retry-After, if any
	Err        error         // nil: the receiver accepted every event
}

// Deliver sends events (in order, one request) to stream s of org.
func (t *Transport) Deliver(ctx context.Context, s *store.AuditStream, org Org, events []Event) Result {
	if len(events) == 0 {
		return Result{}
	}
	target, secrets, err := t.open(ctx, s)
	if err != nil {
		return Result{Err: err}
	}
	req, err := t.encode(s, org, target, events)
	if err != nil {
		return Result{Err: fmt.Errorf("encoding the batch: %w", err)}
	}
	authorize(s.Type, &req, s.Settings, secrets)
	return t.post(ctx, s.Type, req)
}

// open returns the stream's URL (the Datadog intake of its site when it has none) and its
// credentials, references resolved.
func (t *Transport) open(ctx context.Context, s *store.AuditStream) (string, map[string]string, error) {
	var raw string
	if len(s.SealedURL) > 0 {
		b, err := t.Opener.Open(s.SealedURL, s.OrgID, URLRecord(s.ID))
		if err != nil {
			return "", nil, fmt.Errorf("opening the URL: %w", err)
		}
		raw = string(b)
	}
	target := IntakeURL(s.Type, raw, s.Settings)
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return "", nil, errors.New("the URL is not absolute")
	}
	if err := egress.CheckScheme(u); err != nil {
		return "", nil, err
	}
	secrets := map[string]string{}
	for name, sealed := range s.Secrets {
		b, err := t.Opener.Open(sealed, s.OrgID, SecretRecord(s.ID, name))
		if err != nil {
			return "", nil, fmt.Errorf("opening %s: %w", name, err)
		}
		v := string(b)
		if len(vault.References(v)) > 0 {
			if t.Secrets == nil {
				return "", nil, fmt.Errorf("%s: %w", name, ErrNoSecrets)
			}
			if v, err = t.Secrets.Resolve(ctx, s.OrgID, v); err != nil {
				return "", nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		secrets[name] = v
	}
	return target, secrets, nil
}

func (t *Transport) encode(s *store.AuditStream, org Org, target string, events []Event) (request, error) {
	switch s.Type {
	case TypeSplunkHEC:
		return encodeSplunk(target, s.Settings, events)
	case TypeDatadog:
		return encodeDatadog(target, s.Settings, events)
	case TypeElastic:
		return encodeElastic(target, s.Settings, events)
	case TypeWebhook:
		now := time.Now
		if t.Now != nil {
			now = t.Now
		}
		return encodeWebhook(target, s.ID, org, events, now())
	}
	return request{}, fmt.Errorf("unknown destination type %q", s.Type)
}

// authorize adds the type's credentials to req: Splunk's "Authorization: Splunk <token>",
// Datadog's DD-API-KEY, Elastic's "ApiKey <key>" or basic auth, the webhook's
// X-AlertifyPro-Signature (HMAC-SHA256 of the body, SPEC §3.15).
func authorize(typ string, req *request, settings, secrets map[string]string) {
	if req.header == nil {
		req.header = http.Header{}
	}
	switch typ {
	case TypeSplunkHEC:
		req.header.Set("Authorization", "Splunk "+secrets["token"])
	case TypeDatadog:
		req.header.Set("DD-API-KEY", secrets["api_key"])
	case TypeElastic:
		if k := secrets["api_key"]; k != "" {
			req.header.Set("Authorization", "ApiKey "+k)
		} else if u := settings["username"]; u != "" {
			req.header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u+":"+secrets["password"])))
		}
	case TypeWebhook:
		req.header.Set("X-AlertifyPro-Signature", crypto.SignHMAC([]byte(secrets["secret"]), req.body))
	}
}

// post sends req and judges the answer: a 2xx is accepted unless the body says otherwise
// (Splunk's non-zero code, an Elastic bulk item that failed). Error texts never hold the
// URL, which may carry a credential.
func (t *Transport) post(ctx context.Context, typ string, req request) Result {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, req.url, bytes.NewReader(req.body))
	if err != nil {
		return Result{Err: errors.New("the URL is not valid")}
	}
	for k, v := range req.header {
		hr.Header[k] = v
	}
	hr.Header.Set("Content-Type", req.contentType)
	hr.Header.Set("User-Agent", orDefault(t.UserAgent, "AlertifyPro"))
	resp, err := t.HTTP.Do(hr)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Result{Err: fmt.Errorf("sending: %w", err)}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	res := Result{Status: resp.StatusCode, Response: clip(raw), RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		res.Err = fmt.Errorf("the receiver answered HTTP %d", resp.StatusCode)
		return res
	}
	res.Err = judgeBody(typ, raw)
	return res
}

// judgeBody finds the refusals a receiver reports inside a 2xx answer.
func judgeBody(typ string, raw []byte) error {
	switch typ {
	case TypeSplunkHEC:
		var a struct {
			Code *int   `json:"code"`
			Text string `json:"text"`
		}
		if json.Unmarshal(raw, &a) == nil && a.Code != nil && *a.Code != 0 {
			return fmt.Errorf("Splunk answered code %d: %s", *a.Code, a.Text)
		}
	case TypeElastic:
		return judgeBulk(raw)
	}
	return nil
}

// judgeBulk reads an Elasticsearch _bulk answer: with "errors": true, every item must
// have been created (201) or already be there (409, a repeat of an entry it holds).
func judgeBulk(raw []byte) error {
	var a struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			Status int             `json:"status"`
			Error  json.RawMessage `json:"error"`
		} `json:"items"`
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		return fmt.Errorf("the _bulk answer is not JSON: %w", err)
	}
	if !a.Errors {
		return nil
	}
	for _, item := range a.Items {
		for _, r := range item {
			if r.Status != http.StatusCreated && r.Status != http.StatusOK && r.Status != http.StatusConflict {
				return fmt.Errorf("Elasticsearch refused an entry (status %d): %s", r.Status, clip(r.Error))
			}
		}
	}
	return nil
}

// retryAfter parses Retry-After in seconds or as an HTTP date; 0 when absent or past.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
		d = time.Duration(n) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = time.Until(at)
	}
	return min(max(d, 0), maxRetryAfter)
}

// clip is the first maxAnswerChars characters of raw, valid UTF-8.
func clip(raw []byte) string {
	s := strings.ToValidUTF8(string(raw), "")
	if utf8.RuneCountInString(s) <= maxAnswerChars {
		return s
	}
	return string([]rune(s)[:maxAnswerChars])
}
