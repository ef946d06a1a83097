package store

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"
)

// agentToken returns a token record for secret, as the API builds it, and its digest.
func agentToken(name, secret string) (*AgentToken, []byte) {
	d := sha256.Sum256([]byte(secret))
	return &AgentToken{Name: name, Prefix: secret[:8], Digest: d[:]}, d[:]
}

func TestOrganizationLocationLifecycle(t *testing.T) {
	db := openTestDB(t)
	org := mustOrg(t, db, "ada")
	other := mustOrg(t, db, "bob")
	l := &Location{Name: "home-lab", DisplayName: "Home lab"}
	entry := &AuditEntry{Event: "location.created", Resource: AuditResource{Type: "location"}}
	if err := db.CreateLocation(org, l, &Change{Audit: []*AuditEntry{entry}}); err != nil {
		t.Fatal(err)
	}
	if l.ID == "" || l.OrgID != org || l.CreatedAt.IsZero() || l.Scope() != "organization" {
		t.Fatalf("created = %+v", l)
	}
	if logs, _, err := db.AuditLogs(org, AuditFilter{Limit: 10}); err != nil || len(logs) == 0 || logs[0].Event != "location.created" {
		t.Fatalf("audit = %+v, %v", logs, err)
	}
	if got, err := db.Location(org, l.ID); err != nil || got.Name != "home-lab" {
		t.Fatalf("Location = %+v, %v", got, err)
	}
	// Tenant isolation: another organization, and the instance, do not see it.
	if _, err := db.Location(other, l.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other organization's Location = %v", err)
	}
	if _, err := db.InstanceLocation(l.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("InstanceLocation of an organization's = %v", err)
	}
	if list, _ := db.Locations(other); len(list) != 0 {
		t.Errorf("other organization lists %+v", list)
	}
	// Another organization may use the same name; this one may not twice.
	if err := db.CreateLocation(other, &Location{Name: "home-lab"}, nil); err != nil {
		t.Errorf("same name in another organization: %v", err)
	}
	if err := db.CreateLocation(org, &Location{Name: "home-lab"}, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate name = %v", err)
	}
	// An instance location cannot take a name an organization uses, and the other way round.
	if err := db.CreateInstanceLocation(&Location{Name: "home-lab"}, "", nil); !errors.Is(err, ErrConflict) {
		t.Errorf("instance location with an organization's name = %v", err)
	}
	if err := db.CreateInstanceLocation(&Location{Name: "eu-west"}, "", nil); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateLocation(org, &Location{Name: "eu-west"}, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("organization location with an instance location's name = %v", err)
	}

	got, err := db.UpdateLocation(org, l.ID, func(l *Location) error {
		l.DisplayName, l.Name, l.OrgID = "Basement", "renamed", other
		return nil
	}, nil)
	if err != nil || got.DisplayName != "Basement" || got.Name != "home-lab" || got.OrgID != org {
		t.Fatalf("UpdateLocation = %+v, %v (name and organization must not change)", got, err)
	}
	if _, err := db.UpdateLocation(other, l.ID, func(*Location) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other organization's UpdateLocation = %v", err)
	}
	if err := db.DeleteLocation(other, l.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other organization's DeleteLocation = %v", err)
	}
	if err := db.DeleteLocation(org, l.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateLocation(org, &Location{Name: "home-lab"}, nil); err != nil {
		t.Errorf("the name of a deleted location is not free again: %v", err)
	}
}

func TestAgentTokenLifecycle(t *testing.T) {
	db := openTestDB(t)
	org := mustOrg(t, db, "ada")
	other := mustOrg(t, db, "bob")
	l := &Location{Name: "home-lab"}
	if err := db.CreateLocation(org, l, nil); err != nil {
		t.Fatal(err)
	}
	tok, digest := agentToken("basement pi", "agt_secret-one")
	if err := db.CreateAgentToken(org, l.ID, tok, nil); err != nil {
		t.Fatal(err)
	}
	if tok.ID == "" || tok.LocationID != l.ID || tok.OrgID != org {
		t.Fatalf("created = %+v", tok)
	}
	if err := db.CreateAgentToken(other, l.ID, &AgentToken{Digest: []byte("x")}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("token for another organization's location = %v", err)
	}
	gotTok, gotLoc, err := db.AgentTokenByDigest(digest)
	if err != nil || gotTok.ID != tok.ID || gotLoc.ID != l.ID || gotLoc.OrgID != org {
		t.Fatalf("AgentTokenByDigest = %+v, %+v, %v", gotTok, gotLoc, err)
	}
	if _, _, err := db.AgentTokenByDigest(sha256.New().Sum(nil)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown digest = %v", err)
	}
	used := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	if err := db.TouchAgentToken(gotTok, used); err != nil {
		t.Fatal(err)
	}
	list, err := db.AgentTokens(org, l.ID)
	if err != nil || len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(used) {
		t.Fatalf("AgentTokens = %+v, %v", list, err)
	}
	if _, err := db.AgentTokens(other, l.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other organization's AgentTokens = %v", err)
	}
	if _, err := db.DeleteAgentToken(other, l.ID, tok.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other organization's DeleteAgentToken = %v", err)
	}
	if got, err := db.DeleteAgentToken(org, l.ID, tok.ID, nil); err != nil || got.ID != tok.ID {
		t.Fatalf("DeleteAgentToken = %+v, %v", got, err)
	}
	if _, _, err := db.AgentTokenByDigest(digest); !errors.Is(err, ErrNotFound) {
		t.Errorf("a revoked token still authenticates: %v", err)
	}

	// Deleting a location revokes its tokens; deleting an organization revokes its
	// locations' tokens.
	t2, d2 := agentToken("two", "agt_secret-two")
	if err := db.CreateAgentToken(org, l.ID, t2, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteLocation(org, l.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.AgentTokenByDigest(d2); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deleted location's token still authenticates: %v", err)
	}
	l2 := &Location{Name: "office"}
	if err := db.CreateLocation(org, l2, nil); err != nil {
		t.Fatal(err)
	}
	t3, d3 := agentToken("three", "agt_secret-three")
	if err := db.CreateAgentToken(org, l2.ID, t3, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteOrganization(org); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.AgentTokenByDigest(d3); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deleted organization's token still authenticates: %v", err)
	}
}

func TestInstanceLocationsAndTokens(t *testing.T) {
	db := openTestDB(t)
	org := mustOrg(t, db, "ada")
	l := &Location{Name: "eu-west", DisplayName: "EU West"}
	entry := &AuditEntry{Event: "location.created", Resource: AuditResource{Type: "location"}}
	if err := db.CreateInstanceLocation(l, org, &Change{Audit: []*AuditEntry{entry}}); err != nil {
		t.Fatal(err)
	}
	if l.OrgID != "" || l.Scope() != "instance" {
		t.Fatalf("created = %+v", l)
	}
	if logs, _, _ := db.AuditLogs(org, AuditFilter{Limit: 10}); len(logs) == 0 || logs[0].Event != "location.created" {
		t.Errorf("the admin's organization did not log the change: %+v", logs)
	}
	if _, err := db.Location(org, l.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("an instance location read as an organization's: %v", err)
	}
	tok, digest := agentToken("probe", "agt_instance-secret")
	if err := db.CreateInstanceAgentToken(l.ID, tok, "", nil); err != nil {
		t.Fatal(err)
	}
	gotTok, gotLoc, err := db.AgentTokenByDigest(digest)
	if err != nil || gotTok.OrgID != "" || gotLoc.ID != l.ID || gotLoc.OrgID != "" {
		t.Fatalf("AgentTokenByDigest = %+v %+v %v", gotTok, gotLoc, err)
	}
	// An organization's deletion leaves instance tokens alone.
	if err := db.DeleteOrganization(org); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.AgentTokenByDigest(digest); err != nil {
		t.Fatalf("instance token lost with an organization: %v", err)
	}
	if list, err := db.InstanceAgentTokens(l.ID); err != nil || len(list) != 1 {
		t.Fatalf("InstanceAgentTokens = %+v, %v", list, err)
	}
	if err := db.DeleteInstanceLocation(l.ID, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.AgentTokenByDigest(digest); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deleted instance location's token still authenticates: %v", err)
	}
	if list, err := db.InstanceLocations(); err != nil || len(list) != 0 {
		t.Errorf("InstanceLocations = %+v, %v", list, err)
	}
}

// The ledger keeps the highest recorded batch per agent process, never lowers it, and
// forgets processes silent for longer than the prune horizon.
func TestAgentBatchLedger(t *testing.T) {
	db := openTestDB(t)
	if seq, err := db.AgentBatchSeq("loc", "a1"); err != nil || seq != 0 {
		t.Fatalf("empty ledger = %d, %v", seq, err)
	}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := db.SetAgentBatchSeq("loc", "a1", 7, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.SetAgentBatchSeq("loc", "a1", 5, t0); err != nil {
		t.Fatal(err)
	}
	if err := db.SetAgentBatchSeq("loc", "b2", 3, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if seq, _ := db.AgentBatchSeq("loc", "a1"); seq != 7 {
		t.Errorf("seq = %d, want 7 (never lowered)", seq)
	}
	if seq, _ := db.AgentBatchSeq("other-loc", "a1"); seq != 0 {
		t.Errorf("another location's seq = %d, want 0", seq)
	}
	n, err := db.PruneAgentBatches(t0.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1", n, err)
	}
	if seq, _ := db.AgentBatchSeq("loc", "a1"); seq != 0 {
		t.Errorf("pruned entry still answers %d", seq)
	}
	if seq, _ := db.AgentBatchSeq("loc", "b2"); seq != 3 {
		t.Errorf("recent entry = %d, want 3", seq)
	}
}
