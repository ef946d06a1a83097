package store

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"
)

// newKey returns an API key record for the secret, as the API builds it.
func newKey(name, secret, createdBy string) (*APIKey, []byte) {
	d := sha256.Sum256([]byte(secret))
	return &APIKey{Name: name, Prefix: secret[:7], Role: "member", CreatedBy: createdBy, Digest: d[:]}, d[:]
}

func TestAPIKeyLifecycle(t *testing.T) {
	db := openTestDB(t)
	ada, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	k, digest := newKey("ci", "ak_secret-one", ada.ID)
	exp := testEpoch.Add(30 * 24 * time.Hour)
	k.ExpiresAt = &exp
	if err := db.CreateAPIKey(org.ID, k, nil); err != nil {
		t.Fatal(err)
	}
	if k.ID == "" || k.OrgID != org.ID || k.CreatedAt.IsZero() {
		t.Errorf("created key = %+v", k)
	}
	got, err := db.APIKeyByDigest(digest)
	if err != nil || got.ID != k.ID || got.OrgID != org.ID || got.Role != "member" || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("APIKeyByDigest = %+v, %v", got, err)
	}
	if got.LastUsedAt != nil {
		t.Errorf("new key has LastUsedAt %v", got.LastUsedAt)
	}
	other := sha256.Sum256([]byte("ak_secret-two"))
	if _, err := db.APIKeyByDigest(other[:]); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown digest = %v", err)
	}
	if _, err := db.APIKeyByDigest(nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("empty digest = %v", err)
	}
	dup, _ := newKey("dup", "ak_secret-one", ada.ID)
	if err := db.CreateAPIKey(org.ID, dup, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate digest = %v, want ErrConflict", err)
	}
	k2, _ := newKey("deploy", "ak_secret-two", ada.ID)
	if err := db.CreateAPIKey(org.ID, k2, nil); err != nil {
		t.Fatal(err)
	}
	list, err := db.APIKeys(org.ID)
	if err != nil || len(list) != 2 || list[0].ID != k.ID || list[1].ID != k2.ID {
		t.Errorf("APIKeys = %+v, %v", list, err)
	}

	used := time.Date(2025, 2, 3, 4, 5, 6, 0, time.FixedZone("CET", 3600))
	if err := db.TouchAPIKey(org.ID, k.ID, used); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.APIKey(org.ID, k.ID); got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) || got.LastUsedAt.Location() != time.UTC {
		t.Errorf("LastUsedAt = %v, want %v in UTC", got.LastUsedAt, used)
	}

	if err := db.DeleteAPIKey(org.ID, k.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.APIKeyByDigest(digest); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoked key still authenticates: %v", err)
	}
	if err := db.DeleteAPIKey(org.ID, k.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting twice = %v", err)
	}
	if err := db.TouchAPIKey(org.ID, k.ID, used); !errors.Is(err, ErrNotFound) {
		t.Errorf("touching a revoked key = %v", err)
	}
	assertBucketLen(t, db, bucketIdxAPIKey, 1)
}

func TestAPIKeyTenantIsolation(t *testing.T) {
	db := openTestDB(t)
	ada, orgA, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, orgB, _ := mustRegister(t, db, "bob@example.com", "Bob")
	k, digest := newKey("a", "ak_of-org-a", ada.ID)
	if err := db.CreateAPIKey(orgA.ID, k, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.APIKey(orgB.ID, k.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("APIKey(orgB, keyOfOrgA) = %v, want ErrNotFound", err)
	}
	if err := db.DeleteAPIKey(orgB.ID, k.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteAPIKey(orgB, keyOfOrgA) = %v, want ErrNotFound", err)
	}
	if err := db.TouchAPIKey(orgB.ID, k.ID, testEpoch); !errors.Is(err, ErrNotFound) {
		t.Errorf("TouchAPIKey(orgB, keyOfOrgA) = %v, want ErrNotFound", err)
	}
	if list, err := db.APIKeys(orgB.ID); err != nil || len(list) != 0 {
		t.Errorf("APIKeys(orgB) = %+v, %v", list, err)
	}
	if _, err := db.APIKeys("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("APIKeys(unknown org) = %v", err)
	}
	if err := db.CreateAPIKey("nope", &APIKey{Digest: []byte("x")}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("CreateAPIKey(unknown org) = %v", err)
	}
	// The key still works for its own organization.
	if got, err := db.APIKeyByDigest(digest); err != nil || got.OrgID != orgA.ID {
		t.Errorf("APIKeyByDigest = %+v, %v", got, err)
	}
}

// TestRecordAPIKeyUseAuditsOncePerHour: the api_key.used entry is written with
// last_used_at, and the transaction itself refuses a second one within the hour
// (two requests racing for it, or a process that forgot), whatever its caller says.
func TestRecordAPIKeyUseAuditsOncePerHour(t *testing.T) {
	db := openTestDB(t)
	ada, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	k, _ := newKey("ci", "ak_secret-one", ada.ID)
	if err := db.CreateAPIKey(org.ID, k, nil); err != nil {
		t.Fatal(err)
	}
	used := func() int {
		entries, _, err := db.AuditLogs(org.ID, AuditFilter{Event: "api_key.used"})
		if err != nil {
			t.Fatal(err)
		}
		return len(entries)
	}
	for i, at := range []time.Duration{0, time.Minute, 59 * time.Minute, time.Hour, time.Hour + time.Second} {
		entry := &AuditEntry{Event: "api_key.used", Actor: AuditActor{Type: "api_key", ID: k.ID}}
		if err := db.RecordAPIKeyUse(org.ID, k.ID, testEpoch.Add(at), entry); err != nil {
			t.Fatal(err)
		}
		want := map[int]int{0: 1, 1: 1, 2: 1, 3: 2, 4: 2}[i]
		if n := used(); n != want {
			t.Fatalf("after a use at +%v: %d entries, want %d", at, n, want)
		}
	}
	got, _ := db.APIKey(org.ID, k.ID)
	if got.UseAuditedAt == nil || !got.UseAuditedAt.Equal(testEpoch.Add(time.Hour)) || !got.LastUsedAt.Equal(testEpoch.Add(time.Hour+time.Second)) {
		t.Fatalf("key %+v", got)
	}
}
