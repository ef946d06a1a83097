package auditstream

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// mapResolver resolves references from a map, as the store-backed resolver does from the
// organization's sealed secrets.
type mapResolver map[string]string

func (m mapResolver) Resolve(_ context.Context, _ string, text string) (string, error) {
	return vault.Expand(text, func(name string) (string, bool) { v, ok := m[name]; return v, ok })
}

func testEvents(env *streamEnv) []Event {
	e := &store.AuditEntry{ID: store.NewID(), Timestamp: time.Now().UTC(), Event: "audit_stream.test",
		Actor: store.AuditActor{Type: "user", Email: "ada@example.com"}, Resource: store.AuditResource{Type: "audit_stream"}}
	return []Event{NewEvent(Org{ID: env.org.ID, Name: env.org.Name}, e)}
}

// TestTokenReferenceIsResolvedAtSend: a token written as {{secrets.NAME}} is sent as the
// secret's value; without a resolver the attempt fails with "secrets are not available"
// and nothing is sent.
func TestTokenReferenceIsResolvedAtSend(t *testing.T) {
	env := newStreamEnv(t)
	hec := newReceiver(t, hecParser("resolved-token"))
	hec.answer = hecAnswer
	s := env.createStream(TypeSplunkHEC, hec.URL, nil, map[string]string{"token": "{{ secrets.HEC_TOKEN }}"})

	bare := NewTransport(env.guard, env.sealer, nil, "AlertifyPro/test")
	if res := bare.Deliver(context.Background(), s, Org{ID: env.org.ID}, testEvents(env)); !errors.Is(res.Err, ErrNoSecrets) {
		t.Fatalf("without a resolver: %v, want %v", res.Err, ErrNoSecrets)
	}
	withVault := NewTransport(env.guard, env.sealer, mapResolver{"HEC_TOKEN": "resolved-token"}, "AlertifyPro/test")
	if res := withVault.Deliver(context.Background(), s, Org{ID: env.org.ID}, testEvents(env)); res.Err != nil || res.Status != 200 {
		t.Fatalf("with the secret: %+v", res)
	}
	rotated := NewTransport(env.guard, env.sealer, mapResolver{}, "AlertifyPro/test")
	res := rotated.Deliver(context.Background(), s, Org{ID: env.org.ID}, testEvents(env))
	var unknown *vault.UnknownSecretError
	if !errors.As(res.Err, &unknown) || unknown.Name != "HEC_TOKEN" {
		t.Fatalf("a deleted secret: %v", res.Err)
	}
	if got, _, problems := hec.snapshot(); len(got) != 1 || len(problems) != 0 {
		t.Fatalf("receiver got %d events (%v), want only the one sent with the secret", len(got), problems)
	}
}

// TestEgressGuardRefusesAtSend: under the public policy a loopback receiver is never
// connected to, whatever the stored URL says.
func TestEgressGuardRefusesAtSend(t *testing.T) {
	env := newStreamEnv(t)
	hec := newReceiver(t, hecParser("tok"))
	s := env.createStream(TypeSplunkHEC, hec.URL, nil, map[string]string{"token": "tok"})
	policy, err := egress.ParsePolicy("public", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := NewTransport(egress.New(policy), env.sealer, nil, "").Deliver(context.Background(), s, Org{ID: env.org.ID}, testEvents(env))
	if res.Err == nil || res.Status != 0 {
		t.Fatalf("public policy to 127.0.0.1: %+v", res)
	}
	if strings.Contains(res.Err.Error(), hec.URL) {
		t.Errorf("the error names the URL: %v", res.Err)
	}
	if got, _, _ := hec.snapshot(); len(got) != 0 {
		t.Fatal("the receiver was reached")
	}
}

// TestRefusalsInsideA2xx: Splunk's non-zero code and an Elastic bulk item that failed are
// failures (the cursor must not move); a 409 for an entry Elasticsearch already holds is
// not (a repeat after a crash).
func TestRefusalsInsideA2xx(t *testing.T) {
	for _, c := range []struct {
		typ, body string
		ok        bool
	}{
		{TypeSplunkHEC, `{"text":"Success","code":0}`, true},
		{TypeSplunkHEC, `{"text":"Invalid token","code":4}`, false},
		{TypeElastic, `{"took":1,"errors":false,"items":[{"create":{"status":201}}]}`, true},
		{TypeElastic, `{"took":1,"errors":true,"items":[{"create":{"status":201}},{"create":{"status":409,"error":{"type":"version_conflict_engine_exception"}}}]}`, true},
		{TypeElastic, `{"took":1,"errors":true,"items":[{"create":{"status":201}},{"create":{"status":400,"error":{"type":"mapper_parsing_exception"}}}]}`, false},
		{TypeElastic, `not json`, false},
	} {
		if err := judgeBody(c.typ, []byte(c.body)); (err == nil) != c.ok {
			t.Errorf("%s %s: %v, want ok=%v", c.typ, c.body, err, c.ok)
		}
	}
	if d := retryAfter("7"); d != 7*time.Second {
		t.Errorf("Retry-After 7 = %v", d)
	}
}

func TestValidateSettings(t *testing.T) {
	for _, c := range []struct {
		typ       string
		settings  map[string]string
		secrets   map[string]string
		wantField string
	}{
		{TypeSplunkHEC, nil, nil, "token"},
		{TypeSplunkHEC, nil, map[string]string{"token": "{{secrets.hec}}"}, "token"},               // lower-case name
		{TypeSplunkHEC, nil, map[string]string{"token": "{{secret.HEC}}"}, "token"},                // malformed
		{TypeSplunkHEC, nil, map[string]string{"token": "abc {{secrets.HEC"}, "token"},             // unclosed
		{TypeSplunkHEC, map[string]string{"token": "x"}, map[string]string{"token": "x"}, "token"}, // a secret as a plain setting
		{TypeDatadog, map[string]string{"site": "example.com"}, map[string]string{"api_key": "k"}, "site"},
		{TypeElastic, nil, nil, "index"},
		{TypeElastic, map[string]string{"index": "Bad Index"}, nil, "index"},
		{TypeElastic, map[string]string{"index": "a", "username": "u"}, nil, "password"},
		{TypeWebhook, map[string]string{"colour": "red"}, map[string]string{"secret": "s"}, "colour"},
	} {
		if p := Validate(c.typ, c.settings, c.secrets); p[c.wantField] == "" {
			t.Errorf("%s %v %v: problems %v, want one for %s", c.typ, c.settings, c.secrets, p, c.wantField)
		}
	}
	if p := Validate(TypeSplunkHEC, map[string]string{"index": "main"}, map[string]string{"token": "pre {{secrets.HEC_TOKEN}} post"}); len(p) != 0 {
		t.Errorf("a valid reference: %v", p)
	}
}
