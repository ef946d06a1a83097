package api

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/alertifypro/alertifypro/notify"
)

// twilioStandIn is a loopback stand-in for Twilio's Messages API: it records every form
// posted to it and answers 201 as Twilio does, or, for a number in optedOut, 400 with
// Twilio's error 21610 (the number replied STOP to the sender).
type twilioStandIn struct {
	srv      *httptest.Server
	mu       sync.Mutex
	posts    []twilioPost
	optedOut map[string]bool
}

// twilioPost is one recorded request.
type twilioPost struct {
	Path, Auth string
	Form       url.Values
}

func newTwilioStandIn(t *testing.T) *twilioStandIn {
	t.Helper()
	tw := &twilioStandIn{}
	tw.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		form, err := url.ParseQuery(string(raw))
		if err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		tw.mu.Lock()
		tw.posts = append(tw.posts, twilioPost{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Form: form})
		refused := tw.optedOut[form.Get("To")]
		tw.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if refused { // Twilio's answer, as documented for error 21610
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"code":21610,"message":"Attempt to send to unsubscribed recipient","more_info":"https://www.twilio.com/docs/errors/21610","status":400}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"sid":"SM0123","status":"queued"}`)
	}))
	if !strings.HasPrefix(tw.srv.URL, "http://127.0.0.1:") {
		t.Fatalf("stand-in not on 127.0.0.1: %s", tw.srv.URL)
	}
	t.Cleanup(tw.srv.Close)
	return tw
}

// optOut makes the stand-in refuse texts to phone with error 21610 from now on.
func (tw *twilioStandIn) optOut(phone string) {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	if tw.optedOut == nil {
		tw.optedOut = map[string]bool{}
	}
	tw.optedOut[phone] = true
}

// since returns the posts received after the first *seen and advances *seen.
func (tw *twilioStandIn) since(seen *int) []twilioPost {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	fresh := slices.Clone(tw.posts[*seen:])
	*seen = len(tw.posts)
	return fresh
}

// smsEnv is the real router and outbox worker with the Twilio API at a stand-in, an
// owner, a twilio_sms channel and a page "acme" texting through it.
type smsEnv struct {
	*testEnv
	twilio    *twilioStandIn
	worker    *notify.OutboxSender
	owner     *testUser
	channelID string
	pageID    string
	seen      int
}

const (
	smsTestSID   = "AC0123456789abcdef0123456789abcdef"
	smsTestToken = "twilio-auth-secret"
	smsTestFrom  = "+14155550100"
)

func newSMSEnv(t *testing.T) *smsEnv {
	t.Helper()
	tw := newTwilioStandIn(t)
	e := newTestEnvWith(t, func(d *Deps) { d.Notify.TwilioAPI = tw.srv.URL })
	m := &smsEnv{testEnv: e, twilio: tw, worker: outboxWorker(e), owner: e.newUser("owner@example.com", "Owner")}
	m.channelID = m.twilioChannel(m.owner.Token, "Texts")
	svc := e.createHTTPService(m.owner.Token, "API", "https://api.internal.example")
	rec := e.do("POST", "/api/v1/status-pages", m.owner.Token, map[string]any{"name": "Acme Status", "slug": "acme",
		"subscriptions_enabled": true, "components": []map[string]any{{"name": "Public API", "service_id": svc}},
		"sms_subscriptions": map[string]any{"enabled": true, "channel_id": m.channelID}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create page: %d %s", rec.Code, rec.Body.String())
	}
	m.pageID = decode[statusPageView](t, rec).ID
	return m
}

// twilioChannel creates a twilio_sms channel and returns its ID.
func (m *smsEnv) twilioChannel(token, name string) string {
	m.t.Helper()
	rec := m.do("POST", "/api/v1/notification-channels", token, map[string]any{"name": name, "type": "twilio_sms",
		"config": map[string]any{"account_sid": smsTestSID, "auth_token": smsTestToken, "from": smsTestFrom, "to": "+14155550101"}})
	if rec.Code != http.StatusCreated {
		m.t.Fatalf("create channel: %d %s", rec.Code, rec.Body.String())
	}
	return decode[channelView](m.t, rec).ID
}

// deliver runs the outbox once and returns the texts Twilio received since the last call.
func (m *smsEnv) deliver() []twilioPost {
	m.t.Helper()
	if _, err := m.worker.DeliverDue(m.t.Context()); err != nil {
		m.t.Fatalf("deliver: %v", err)
	}
	return m.twilio.since(&m.seen)
}

// public posts a JSON body to a public SMS endpoint of page acme from ip.
func (m *smsEnv) public(ip, path string, body map[string]any) *httptest.ResponseRecorder {
	m.t.Helper()
	return m.doFrom(ip, "POST", "/api/v1/public/status-pages/acme/subscribe/sms"+path, "", body)
}

// codeRe finds the six-digit code in a confirmation text.
var codeRe = regexp.MustCompile(`\b[0-9]{6}\b`)

// codeOf returns the code in the one text of posts, sent to phone.
func (m *smsEnv) codeOf(posts []twilioPost, phone string) string {
	m.t.Helper()
	if len(posts) != 1 || posts[0].Form.Get("To") != phone {
		m.t.Fatalf("want one confirmation text to %s, got %+v", phone, posts)
	}
	code := codeRe.FindString(posts[0].Form.Get("Body"))
	if code == "" {
		m.t.Fatalf("no code in %q", posts[0].Form.Get("Body"))
	}
	assertGSM7(m.t, posts[0].Form.Get("Body"))
	return code
}

// inbound posts form to the channel's inbound webhook, signed with token as Twilio signs
// (HMAC-SHA1 over BASE_URL + path and the sorted parameters; "" sends no signature).
func (m *smsEnv) inbound(token string, form url.Values) *httptest.ResponseRecorder {
	m.t.Helper()
	path := "/api/v1/public/sms/twilio/" + m.owner.OrgID + "/" + m.channelID
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("X-Twilio-Signature", twilioSignatureOf(token, m.cfg.BaseURL+path, form))
	}
	req.RemoteAddr = "198.51.100.7:443"
	rec := httptest.NewRecorder()
	m.router.ServeHTTP(rec, req)
	return rec
}

// twilioSignatureOf computes X-Twilio-Signature independently of notify, following
// Twilio's documentation: the URL, then each parameter name and value sorted by name.
func twilioSignatureOf(token, fullURL string, form url.Values) string {
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	slices.Sort(names)
	data := fullURL
	for _, k := range names {
		data += k + form.Get(k)
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(data))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// gsm7Runes is the GSM 03.38 basic character set and its extension table, written out
// here rather than taken from notify, so the assertion does not share a mistake.
var gsm7Runes = []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà" +
	"^{}\\[~]|€\f")

// assertGSM7 fails unless every rune of s is in GSM-7.
func assertGSM7(t *testing.T, s string) {
	t.Helper()
	for i, r := range s {
		if !slices.Contains(gsm7Runes, r) {
			t.Fatalf("rune %q at byte %d is not GSM-7 in %q", r, i, s)
		}
	}
}
