package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// mapResolver resolves references from a map, as the store-backed vault does from the
// organization's secrets.
type mapResolver map[string]string

func (m mapResolver) Resolve(_ context.Context, _, text string) (string, error) {
	return vault.Expand(text, vault.Lookup(m))
}

// TestCheckerResolvesSecretsAtEveryCheck: the probe gets the endpoint, body, header and
// credential with their references resolved, its error comes back with the value replaced
// by the reference, and a secret that is gone makes the check RED with "secret KEY was
// deleted" without probing (and not as an internal failure: the check's configuration is
// broken, which alerts).
func TestCheckerResolvesSecretsAtEveryCheck(t *testing.T) {
	sealer, err := crypto.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	s := &store.Service{ID: "svc", OrgID: "org", CheckType: "HTTP", Endpoint: "http://127.0.0.1:1/?k={{secrets.KEY}}",
		Options: json.RawMessage(`{"body":"b={{ secrets.KEY }}","method":"POST"}`), TimeoutSeconds: 1}
	if s.Auth, err = SealAuth(sealer, "org", "svc", &Credentials{Type: "bearer", Token: "{{secrets.KEY}}"}); err != nil {
		t.Fatal(err)
	}
	sealedHeader, err := sealer.Seal([]byte("Key {{secrets.KEY}}"), "org", HeaderRecordID("svc", "X-Key"))
	if err != nil {
		t.Fatal(err)
	}
	s.SealedHeaders = map[string][]byte{"X-Key": sealedHeader}
	var seen []string
	secrets := mapResolver{"KEY": "value-1234"}
	c := &Checker{Env: &Env{Now: time.Now}, Opener: sealer, Secrets: secrets, Probes: func(string) Probe {
		return func(_ context.Context, env *Env, tg *Target) Result {
			seen = append(seen, tg.Endpoint, string(tg.Options), tg.Headers["X-Key"], tg.Auth.Token)
			return failed(env.Now(), env.Now(), "cannot send to "+tg.Endpoint)
		}
	}}
	res := c.probe(context.Background(), s)
	want := []string{"http://127.0.0.1:1/?k=value-1234", `{"body":"b=value-1234","method":"POST"}`, "Key value-1234", "value-1234"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Fatalf("the probe saw %q, want %q", seen, want)
	}
	if res.Error != "cannot send to http://127.0.0.1:1/?k={{secrets.KEY}}" {
		t.Fatalf("error = %q, want the value redacted", res.Error)
	}
	if !strings.Contains(s.Endpoint, "{{secrets.KEY}}") || !strings.Contains(string(s.Options), "{{ secrets.KEY }}") {
		t.Fatal("the service record was changed")
	}

	delete(secrets, "KEY")
	seen = nil
	res = c.probe(context.Background(), s)
	if res.Status != StatusRed || res.Error != "secret KEY was deleted" || res.Internal || len(seen) != 0 {
		t.Fatalf("with the secret gone: %+v, probe saw %q", res, seen)
	}
}
