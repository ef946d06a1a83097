package vault_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// openVault opens a real store in t.TempDir() with two organizations and a vault over it.
func openVault(t *testing.T) (*store.DB, *crypto.Sealer, *vault.Vault, string, string) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), store.Options{
		Alerts:      alerting.NewStateMachine(alerting.Config{}).StoreHooks(),
		Maintenance: alerting.MaintenanceActive,
		Subscribers: func(*store.SubscriberNotice, *store.Subscriber) (*store.OutboxEntry, error) { return nil, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sealer, err := crypto.NewSealer(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	var orgs []string
	for _, name := range []string{"a", "b"} {
		org := &store.Organization{Name: name}
		if err := db.Register(&store.User{Email: name + "@example.com", PasswordHash: "x"}, org, &store.Membership{}, nil); err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, org.ID)
	}
	return db, sealer, &vault.Vault{Store: db, Opener: sealer}, orgs[0], orgs[1]
}

func TestVaultResolvesTheOrganizationsCurrentValue(t *testing.T) {
	db, sealer, v, org, other := openVault(t)
	ctx := context.Background()
	sealed, err := vault.Seal(sealer, org, "API_TOKEN", "t0k-1")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("t0k-1")) {
		t.Fatal("the sealed value holds the plaintext")
	}
	if err := db.CreateSecret(org, &store.Secret{Name: "API_TOKEN", Sealed: sealed}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := v.Resolve(ctx, org, "Bearer {{secrets.API_TOKEN}}")
	if err != nil || got != "Bearer t0k-1" {
		t.Fatalf("Resolve = %q, %v", got, err)
	}
	// Another organization has no secret of that name: the reference is unknown there.
	var unknown *vault.UnknownSecretError
	if _, err := v.Resolve(ctx, other, "{{secrets.API_TOKEN}}"); !errors.As(err, &unknown) || unknown.Name != "API_TOKEN" {
		t.Fatalf("other organization's Resolve = %v", err)
	}
	// A sealed value copied to another organization's secret does not open there.
	if err := db.CreateSecret(other, &store.Secret{Name: "API_TOKEN", Sealed: sealed}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Resolve(ctx, other, "{{secrets.API_TOKEN}}"); err == nil || errors.As(err, &unknown) {
		t.Fatalf("moved seal opened: %v", err)
	}
	// Rotation: the next resolution sees the new value.
	sealed2, _ := vault.Seal(sealer, org, "API_TOKEN", "t0k-2")
	if _, err := db.UpdateSecret(org, "API_TOKEN", func(s *store.Secret) error { s.Sealed = sealed2; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := v.Resolve(ctx, org, "{{ secrets.API_TOKEN }}"); got != "t0k-2" {
		t.Fatalf("after rotation = %q", got)
	}
	// Text without a reference never reaches the store.
	if got, err := v.Resolve(ctx, "no-such-org", "plain"); err != nil || got != "plain" {
		t.Fatalf("plain text = %q, %v", got, err)
	}
	cfg := map[string]any{"url": "https://x/{{secrets.API_TOKEN}}", "headers": map[string]any{"A": "{{secrets.API_TOKEN}}"},
		"to": []any{"a", "{{secrets.API_TOKEN}}"}, "n": 3.0}
	out, err := vault.ResolveValue(ctx, v, org, cfg)
	m, _ := out.(map[string]any)
	if err != nil || m["url"] != "https://x/t0k-2" || m["headers"].(map[string]any)["A"] != "t0k-2" || m["to"].([]any)[1] != "t0k-2" || m["n"] != 3.0 {
		t.Fatalf("ResolveValue = %#v, %v", out, err)
	}
	if cfg["url"] != "https://x/{{secrets.API_TOKEN}}" {
		t.Fatal("ResolveValue changed its input")
	}
	paths := map[string]string{}
	vault.Walk(cfg, "config", func(p, s string) { paths[p] = s })
	if paths["config.headers.A"] != "{{secrets.API_TOKEN}}" || paths["config.to[1]"] == "" {
		t.Fatalf("Walk = %v", paths)
	}
}
