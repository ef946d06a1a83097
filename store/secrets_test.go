package store

import (
	"errors"
	"testing"
)

func TestSecretCRUDTenantFirst(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "owner@example.com", "Owner")
	_, other, _ := mustRegister(t, db, "other@example.com", "Other")

	s := &Secret{Name: "API_TOKEN", Sealed: []byte("sealed-1")}
	if err := db.CreateSecret(org.ID, s, nil); err != nil || s.OrgID != org.ID || s.CreatedAt.IsZero() {
		t.Fatalf("CreateSecret = %+v, %v", s, err)
	}
	if err := db.CreateSecret(org.ID, &Secret{Name: "API_TOKEN", Sealed: []byte("x")}, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate name = %v, want ErrConflict", err)
	}
	// The same name in another organization is another secret.
	if err := db.CreateSecret(other.ID, &Secret{Name: "API_TOKEN", Sealed: []byte("theirs")}, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := db.Secret(other.ID, "API_TOKEN"); err != nil || string(got.Sealed) != "theirs" {
		t.Fatalf("other organization's secret = %+v, %v", got, err)
	}
	if _, err := db.Secret(other.ID, "ONLY_MINE"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing secret = %v", err)
	}
	if err := db.CreateSecret(org.ID, &Secret{Name: "ONLY_MINE", Sealed: []byte("m")}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateSecret(other.ID, "ONLY_MINE", func(*Secret) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other organization's update = %v", err)
	}
	if err := db.DeleteSecret(other.ID, "ONLY_MINE", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other organization's delete = %v", err)
	}
	up, err := db.UpdateSecret(org.ID, "API_TOKEN", func(x *Secret) error { x.Sealed, x.Name = []byte("sealed-2"), "RENAMED"; return nil }, nil)
	if err != nil || up.Name != "API_TOKEN" || string(up.Sealed) != "sealed-2" || !up.UpdatedAt.After(up.CreatedAt) {
		t.Fatalf("UpdateSecret = %+v, %v", up, err)
	}
	named, err := db.SecretsNamed(org.ID, []string{"API_TOKEN", "NOPE"})
	if err != nil || len(named) != 1 || string(named["API_TOKEN"].Sealed) != "sealed-2" {
		t.Fatalf("SecretsNamed = %+v, %v", named, err)
	}
	list, err := db.Secrets(org.ID)
	if err != nil || len(list) != 2 || list[0].Name != "API_TOKEN" || list[1].Name != "ONLY_MINE" {
		t.Fatalf("Secrets = %+v, %v", list, err)
	}
	page, next, err := db.ListSecrets(org.ID, ListQuery{Limit: 1}, nil)
	if err != nil || len(page) != 1 || next == "" {
		t.Fatalf("ListSecrets page 1 = %+v, %q, %v", page, next, err)
	}
	page, next, err = db.ListSecrets(org.ID, ListQuery{Limit: 1, Cursor: next}, nil)
	if err != nil || len(page) != 1 || page[0].Name != "ONLY_MINE" || next != "" {
		t.Fatalf("ListSecrets page 2 = %+v, %q, %v", page, next, err)
	}
	if err := db.DeleteSecret(org.ID, "API_TOKEN", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Secret(org.ID, "API_TOKEN"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if got, err := db.Secret(other.ID, "API_TOKEN"); err != nil || string(got.Sealed) != "theirs" {
		t.Fatalf("other organization's secret after our delete = %+v, %v", got, err)
	}
}
