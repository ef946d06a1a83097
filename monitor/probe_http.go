package monitor

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxHTTPBody caps how much of a response body a check reads, counted after
// decompression (SPEC §4.1); assertions see at most this much.
const maxHTTPBody = 1 << 20

// httpOptions are an HTTP check's options as the API stores them. Absent
// keys (a target built by hand) get the API's defaults.
type httpOptions struct {
	Method          string            `json:"method"`
	Headers         map[string]string `json:"headers"` // names → mask; values are in Target.Headers
	Body            string            `json:"body"`
	ExpectedStatus  json.RawMessage   `json:"expected_status"`
	BodyContains    string            `json:"body_contains"`
	BodyNotContains string            `json:"body_not_contains"`
	BodyRegex       string            `json:"body_regex"`
	JSONPath        []jsonAssertion   `json:"json_path"`
	FollowRedirects *bool             `json:"follow_redirects"`
	VerifyTLS       *bool             `json:"verify_tls"`
	SSLWarnDays     int               `json:"ssl_warn_days"`

	// patterns compiles body_regex and json_path matches patterns (the Env's
	// cache; nil compiles each time).
	patterns *patternCache
}

// probeHTTP requests the endpoint and checks the response: the status
// against expected_status (any 2xx by default), then the body assertions,
// then, for https, the certificate's window. With verify_tls false an
// expired certificate is only YELLOW: the user opted out of certificate
// failures but should still hear about expiry.
func probeHTTP(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	o := httpOptions{Method: http.MethodGet, SSLWarnDays: defaultSSLWarnDays, patterns: &env.patterns}
	if len(t.Options) > 0 {
		if err := json.Unmarshal(t.Options, &o); err != nil {
			return netOptionsFailure(start, env.Now(), "invalid options: "+err.Error())
		}
	}
	if o.SSLWarnDays <= 0 {
		o.SSLWarnDays = defaultSSLWarnDays
	}
	follow := o.FollowRedirects == nil || *o.FollowRedirects
	verify := o.VerifyTLS == nil || *o.VerifyTLS
	expect, err := parseExpectedStatus(o.ExpectedStatus)
	if err != nil {
		return netOptionsFailure(start, env.Now(), "invalid options: "+err.Error())
	}
	req, err := newHTTPRequest(ctx, env, t, &o)
	if err != nil {
		return netOptionsFailure(start, env.Now(), err.Error())
	}
	kind := httpVerify
	if !verify {
		kind = httpNoVerify
	}
	conns := newCheckConns(env.httpTransport(kind), true)
	defer conns.close()
	client := &http.Client{Transport: conns, CheckRedirect: redirectPolicy(follow, t.Auth)}
	resp, err := client.Do(req)
	if err != nil {
		return httpFailure(env, t, start, resp, err)
	}
	defer resp.Body.Close()
	var body []byte
	if req.Method != http.MethodHead {
		body, err = readHTTPBody(resp)
	}
	end := env.Now()
	var r Result
	switch {
	case err != nil:
		r = failedErr(t, start, end, unwrapURLError(err))
	case !expect.match(resp.StatusCode):
		r = failed(start, end, "expected status "+expect.label+", got "+strconv.Itoa(resp.StatusCode))
	default:
		if msg := checkHTTPBody(body, &o); msg != "" {
			r = failed(start, end, msg)
		} else {
			r = passed(t, start, end)
		}
	}
	r.Resolved, r.Connected = true, true
	r.StatusCode, r.Body = resp.StatusCode, body
	if resp.TLS != nil {
		r.Certificate = certificateOf(*resp.TLS, end)
		gradeCertificate(&r, end, o.SSLWarnDays, !verify)
	}
	return r
}

// newHTTPRequest builds the check's request: method, body, headers, auth.
func newHTTPRequest(ctx context.Context, env *Env, t *Target, o *httpOptions) (*http.Request, error) {
	var body io.Reader
	if o.Body != "" {
		body = strings.NewReader(o.Body)
	}
	req, err := http.NewRequestWithContext(ctx, strings.ToUpper(o.Method), t.Endpoint, body)
	if err != nil {
		return nil, err
	}
	h, host, err := requestHeaders(env, t, o.Headers)
	if err != nil {
		return nil, err
	}
	req.Header = h
	// Ask for gzip as net/http's transport does on its own (same rule: not for HEAD or a
	// range), but in the request, so that the plain-HTTP path (roundTripHTTP1) and the
	// transport send the same thing; readHTTPBody decodes the answer.
	if h.Get("Accept-Encoding") == "" && h.Get("Range") == "" && req.Method != http.MethodHead {
		h.Set("Accept-Encoding", "gzip")
	}
	if host != "" {
		req.Host = host
	}
	return req, nil
}

// httpFailure words a request that got no usable response. A refused
// redirect still reports the response that asked for it.
func httpFailure(env *Env, t *Target, start time.Time, resp *http.Response, err error) Result {
	end := env.Now()
	var redirect redirectError
	if errors.As(err, &redirect) {
		r := failed(start, end, redirect.Error())
		r.Resolved, r.Connected = true, true
		if resp != nil {
			r.StatusCode = resp.StatusCode
		}
		return r
	}
	if msg, cert, ok := describeTLSError(err, end); ok {
		r := failed(start, end, msg)
		r.Resolved, r.Connected, r.Certificate = true, true, cert
		return r
	}
	return failedErr(t, start, end, unwrapURLError(err))
}

// readHTTPBody reads at most maxHTTPBody bytes of the decoded body. Go's
// transport decodes gzip itself when it asked for it; when a configured
// Accept-Encoding header asked instead, the probe decodes gzip here.
func readHTTPBody(resp *http.Response) ([]byte, error) {
	var r io.Reader = resp.Body
	if !resp.Uncompressed && strings.EqualFold(strings.TrimSpace(resp.Header.Get("Content-Encoding")), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if errors.Is(err, io.EOF) {
			return nil, nil // an empty body (204, 304) carries no gzip header
		}
		if err != nil {
			return nil, errors.New("invalid gzip body: " + err.Error())
		}
		defer zr.Close()
		r = zr
	}
	return io.ReadAll(io.LimitReader(r, maxHTTPBody))
}

// unwrapURLError drops net/http's `Get "https://…": ` prefix: the URL is
// already on the service, the reason is what the reader needs.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
