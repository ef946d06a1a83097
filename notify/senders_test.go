package notify

import (
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"
)

// setClock lets a test fix the time rendered into messages.
func (p *channelPoster) setClock(now func() time.Time) { p.now = now }

// setClock lets a test fix the time rendered into messages.
func (s *emailSender) setClock(now func() time.Time) { s.now = now }

// mustSender builds a sender with NewSender and fixes its clock at channelsNow.
func mustSender(t *testing.T, typ string, cfg map[string]any, d Deps) Sender {
	t.Helper()
	s, err := NewSender(typ, cfg, d)
	if err != nil {
		t.Fatalf("NewSender(%s): %v", typ, err)
	}
	if c, ok := s.(interface{ setClock(func() time.Time) }); ok {
		c.setClock(func() time.Time { return channelsNow })
	}
	return s
}

// httpsOnly are the types whose URL must be https: their receiver serves TLS.
var httpsOnly = map[string]bool{"slack": true, "discord": true, "msteams": true, "google_chat": true}

// receiverFor starts the receiver a type's sender can reach.
func receiverFor(t *testing.T, typ string) *hookReceiver { return newHookReceiver(t, httpsOnly[typ]) }

// senderAt builds the sender of typ from its valid config, aimed at r: the
// URL in the config for the types that have one, the sender's unexported
// endpoint for those that talk to a fixed provider host.
func senderAt(t *testing.T, typ string, r *hookReceiver) Sender {
	t.Helper()
	cfg := maps.Clone(validConfigs[typ])
	switch typ {
	case "webhook", "slack", "discord", "msteams", "mattermost", "google_chat", "rocketchat":
		cfg["url"] = r.srv.URL + "/hook/SECRET"
	case "ntfy", "gotify":
		cfg["server_url"] = r.srv.URL
	case "matrix":
		cfg["homeserver_url"] = r.srv.URL
	}
	s := mustSender(t, typ, cfg, r.deps())
	switch s := s.(type) {
	case *telegramSender:
		s.apiBase = r.srv.URL
	case *pagerDutySender:
		s.endpoint = r.srv.URL + "/v2/enqueue"
	case *opsgenieSender:
		s.apiBase = r.srv.URL
	case *pushoverSender:
		s.endpoint = r.srv.URL + "/1/messages.json"
	case *twilioSender:
		s.apiBase = r.srv.URL
	}
	return s
}

// secretsOf are the credential values of a type's test config, which no
// error may quote.
func secretsOf(typ string) []string {
	out := []string{"SECRET"}
	for _, f := range SecretFields(typ) {
		if s, ok := validConfigs[typ][f].(string); ok && f != "url" {
			out = append(out, s)
		}
	}
	return out
}

// TestEverySenderClassifiesAnswers runs every HTTP type through the answers
// the outbox must tell apart.
func TestEverySenderClassifiesAnswers(t *testing.T) {
	long := strings.Repeat("x", 800)
	for _, typ := range ChannelTypes() {
		if typ == "email" {
			continue
		}
		t.Run(typ, func(t *testing.T) {
			r := receiverFor(t, typ)
			s := senderAt(t, typ, r)
			n := firedNotification()

			for _, status := range []int{200, 201, 202, 204} {
				r.respond(status, "", nil)
				if a := mustSend(t, s, n); a.StatusCode != status || a.Permanent {
					t.Fatalf("%d: attempt %+v", status, a)
				}
			}

			r.respond(404, long, nil)
			a, err := s.Send(t.Context(), n)
			if de := asDeliveryError(t, err); !a.Permanent || !de.Permanent || a.Response != long[:500] {
				t.Fatalf("404: attempt %+v", a)
			}

			r.respond(429, "busy", http.Header{"Retry-After": {"7"}})
			a, err = s.Send(t.Context(), n)
			// Pushover's 429 is its monthly quota: retrying the same day cannot help.
			if asDeliveryError(t, err); a.Permanent != (typ == "pushover") || a.RetryAfter != 7*time.Second {
				t.Fatalf("429: attempt %+v", a)
			}

			r.respond(503, "maintenance", nil)
			if a, err = s.Send(t.Context(), n); err == nil || a.Permanent || a.StatusCode != 503 {
				t.Fatalf("503: attempt %+v, err %v", a, err)
			}

			r.srv.Close() // connection refused from now on
			a, err = s.Send(t.Context(), n)
			if asDeliveryError(t, err); a.Permanent || a.StatusCode != 0 {
				t.Fatalf("connection refused: attempt %+v, err %v", a, err)
			}
			for _, secret := range secretsOf(typ) {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q quotes a credential", err)
				}
			}
		})
	}
}

// TestEverySenderSetsUserAgent checks the one header every request carries.
func TestEverySenderSetsUserAgent(t *testing.T) {
	for _, typ := range ChannelTypes() {
		if typ == "email" {
			continue
		}
		r := receiverFor(t, typ)
		mustSend(t, senderAt(t, typ, r), firedNotification())
		if ua := r.last(t).Header.Get("User-Agent"); ua != "AlertifyPro/test" {
			t.Errorf("%s: User-Agent %q", typ, ua)
		}
	}
}
