package agent

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
	secrets "github.com/alertifypro/alertifypro/vault"
)

// putSecret creates or rotates secret name of orgID to value, sealed as the API seals it.
func (e *hubEnv) putSecret(orgID, name, value string) {
	e.t.Helper()
	sealed, err := secrets.Seal(e.sealer, orgID, name, value)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.db.Secret(orgID, name); err != nil {
		err = e.db.CreateSecret(orgID, &store.Secret{Name: name, Sealed: sealed}, nil)
	} else {
		_, err = e.db.UpdateSecret(orgID, name, func(s *store.Secret) error { s.Sealed = sealed; return nil }, nil)
	}
	if err != nil {
		e.t.Fatal(err)
	}
}

// An agent receives its assignments with {{secrets.NAME}} resolved by the server (endpoint,
// body and credential), under the credentials' rule (secure connections only); a rotated
// secret reaches it at the next round, and a deleted one withholds the assignment with
// "secret NAME was deleted", which the agent records as the check's result.
func TestHubResolvesSecretsForAgents(t *testing.T) {
	e := newHubEnv(t)
	e.stop() // the hub again, with the vault
	e.startHubWith(func(h *Hub) { h.Secrets = &secrets.Vault{Store: e.db, Opener: e.sealer} })
	org := e.org("ada")
	e.putSecret(org, "API_TOKEN", "value-one")
	svc := e.service(org, "api", "http://127.0.0.1:1/x?k={{secrets.API_TOKEN}}", 10,
		&monitor.Credentials{Type: "bearer", Token: "{{secrets.API_TOKEN}}"})
	if _, err := e.db.UpdateService(org, svc.ID, func(s *store.Service) error {
		s.Options = json.RawMessage(`{"body":"t={{secrets.API_TOKEN}}","method":"POST"}`)
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	_, token := e.location(org, "home")
	a, _ := e.dial(token, Hello{Secure: true})
	assigned := func(want string) Assignment {
		t.Helper()
		var x Assignment
		waitFor(t, 5*time.Second, "assignment with "+want, func() bool {
			a.mu.Lock()
			defer a.mu.Unlock()
			x = a.assigned[svc.ID]
			return strings.Contains(x.Endpoint+x.Withheld, want)
		})
		return x
	}
	x := assigned("value-one")
	if x.Endpoint != "http://127.0.0.1:1/x?k=value-one" || !strings.Contains(string(x.Options), `"t=value-one"`) ||
		x.Credentials == nil || x.Credentials.Auth.Token != "value-one" {
		t.Fatalf("assignment = %+v", x)
	}
	// A rotation changes nothing of the service record, yet reaches the agent.
	e.putSecret(org, "API_TOKEN", "value-two")
	e.hub.Notify()
	if x = assigned("value-two"); x.Credentials == nil || x.Credentials.Auth.Token != "value-two" {
		t.Fatalf("after rotation = %+v", x)
	}
	if err := e.db.DeleteSecret(org, "API_TOKEN", nil); err != nil {
		t.Fatal(err)
	}
	e.hub.Notify()
	if x = assigned("secret API_TOKEN was deleted"); x.Credentials != nil || strings.Contains(x.Endpoint, "value") {
		t.Fatalf("after delete = %+v", x)
	}

	// Over an insecure connection nothing resolved travels.
	e.putSecret(org, "API_TOKEN", "value-three")
	a.conn.CloseNow() // the service is the next agent's alone
	e.insecure = true
	b, _ := e.dial(token, Hello{Name: "plain"})
	waitFor(t, 5*time.Second, "insecure agent assigned", func() bool { return len(b.ids()) > 0 })
	time.Sleep(200 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range b.received {
		if strings.Contains(r.Endpoint+string(r.Options), "value-") || r.Credentials != nil {
			t.Fatalf("insecure agent received %+v", r)
		}
	}
}
