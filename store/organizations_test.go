package store

import (
	"errors"
	"testing"
)

func TestCreateOrganization(t *testing.T) {
	db := openTestDB(t)
	ada, first, _ := mustRegister(t, db, "ada@example.com", "Ada")

	org := &Organization{Name: "Side Project", PlanType: "starter", MaxServices: 25}
	owner := &Membership{UserID: ada.ID, Role: "viewer"} // the creator is always the owner
	if err := db.CreateOrganization(org, owner); err != nil {
		t.Fatal(err)
	}
	if org.Slug != "side-project" || org.PlanType != "starter" || org.MaxServices != 25 {
		t.Errorf("org = %+v", org)
	}
	if owner.Role != "owner" || owner.OrgID != org.ID {
		t.Errorf("owner membership = %+v", owner)
	}
	uos, err := db.UserOrganizations(ada.ID)
	if err != nil || len(uos) != 2 || uos[0].Organization.ID != first.ID || uos[1].Organization.ID != org.ID {
		t.Fatalf("UserOrganizations = %+v, %v (want registration org first)", uos, err)
	}
	err = db.CreateOrganization(&Organization{Name: "x"}, &Membership{UserID: "no-such-user"})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("CreateOrganization for unknown user = %v, want ErrNotFound", err)
	}
	orgs, err := db.Organizations()
	if err != nil || len(orgs) != 2 || orgs[0].ID != first.ID || orgs[1].ID != org.ID {
		t.Errorf("Organizations = %+v, %v", orgs, err)
	}
}

func TestOrganizationLookupsNotFound(t *testing.T) {
	db := openTestDB(t)
	if _, err := db.Organization("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Organization = %v", err)
	}
	if _, err := db.Organization(""); !errors.Is(err, ErrNotFound) {
		t.Errorf("Organization(\"\") = %v", err)
	}
	if _, err := db.OrganizationBySlug("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("OrganizationBySlug = %v", err)
	}
	if err := db.DeleteOrganization("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteOrganization = %v", err)
	}
	if orgs, err := db.Organizations(); err != nil || orgs == nil || len(orgs) != 0 {
		t.Errorf("Organizations on empty db = %#v, %v (want empty, non-nil)", orgs, err)
	}
}

func TestUpdateOrganizationReindexesSlug(t *testing.T) {
	db := openTestDB(t)
	_, acme, _ := mustRegister(t, db, "ada@example.com", "Acme")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Other")

	got, err := db.UpdateOrganization(acme.ID, func(o *Organization) error {
		o.Name, o.Slug, o.ID = "Acme Corp", "acme-corp", "hijack"
		o.Settings.Timezone = "Europe/Paris"
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != acme.ID || got.Slug != "acme-corp" || got.Settings.Timezone != "Europe/Paris" || !got.UpdatedAt.After(acme.UpdatedAt) {
		t.Errorf("updated = %+v", got)
	}
	if _, err := db.OrganizationBySlug(acme.Slug); !errors.Is(err, ErrNotFound) {
		t.Errorf("old slug still resolves: %v", err)
	}
	if o, err := db.OrganizationBySlug("acme-corp"); err != nil || o.Name != "Acme Corp" {
		t.Errorf("new slug = %+v, %v", o, err)
	}
	_, err = db.UpdateOrganization(other.ID, func(o *Organization) error { o.Slug = "acme-corp"; return nil }, nil)
	if !errors.Is(err, ErrConflict) {
		t.Errorf("taken slug = %v, want ErrConflict", err)
	}
	if o, _ := db.OrganizationBySlug(other.Slug); o == nil || o.ID != other.ID {
		t.Error("failed slug change lost the old index entry")
	}
	if _, err := db.UpdateOrganization("nope", func(*Organization) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown org = %v", err)
	}
}

// seedOrgData gives an organization a second member, a team membership, API keys, an
// invitation index entry and n audit entries.
func seedOrgData(t *testing.T, db *DB, orgID, ownerID string, n int) (member *User) {
	t.Helper()
	member = &User{Email: "member-" + orgID + "@example.com"}
	if err := db.Register(member, &Organization{Name: "own"}, &Membership{}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMember(orgID, &Membership{UserID: member.ID}, nil); err != nil {
		t.Fatal(err)
	}
	for _, by := range []string{ownerID, member.ID} {
		if err := db.CreateAPIKey(orgID, &APIKey{Name: "k", CreatedBy: by, Digest: []byte("digest-" + orgID + by)}, nil); err != nil {
			t.Fatal(err)
		}
	}
	err := db.update("", nil, func(tx txn) error {
		tm, err := orgSub(tx, orgID, subTeamMembers)
		if err != nil {
			return err
		}
		if err := tm.Put(compositeKey("team-1", member.ID), []byte(`{}`)); err != nil {
			return err
		}
		inv, _ := orgSub(tx, orgID, subInvitations)
		if err := inv.Put([]byte("inv-1"), []byte(`{}`)); err != nil {
			return err
		}
		return tx.Bucket([]byte(bucketIdxInvitation)).Put([]byte("tok-"+orgID), compositeKey(orgID, "inv-1"))
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := db.AppendAudit(orgID, &AuditEntry{Event: "service.created"}); err != nil {
			t.Fatal(err)
		}
	}
	return member
}

// indexRefs counts the entries of the global indexes that mention orgID.
func indexRefs(t *testing.T, db *DB, orgID string) map[string]int {
	t.Helper()
	refs := map[string]int{}
	_ = db.view(func(tx txn) error {
		for _, name := range []string{bucketIdxUserOrgs, bucketIdxOrgSlug, bucketIdxAPIKey, bucketIdxInvitation} {
			_ = tx.Bucket([]byte(name)).ForEach(func(k, v []byte) error {
				if containsID(k, orgID) || containsID(v, orgID) {
					refs[name]++
				}
				return nil
			})
		}
		return nil
	})
	return refs
}

func containsID(b []byte, id string) bool {
	return len(b) >= len(id) && (string(b[:len(id)]) == id || string(b[len(b)-len(id):]) == id)
}

func TestDeleteOrganizationRemovesEveryTrace(t *testing.T) {
	db := openTestDB(t)
	ada, doomed, _ := mustRegister(t, db, "ada@example.com", "Doomed")
	_, kept, _ := mustRegister(t, db, "bob@example.com", "Kept")
	member := seedOrgData(t, db, doomed.ID, ada.ID, 2600)
	seedOrgData(t, db, kept.ID, ada.ID, 3)
	if refs := indexRefs(t, db, doomed.ID); refs[bucketIdxUserOrgs] != 2 || refs[bucketIdxAPIKey] != 2 {
		t.Fatalf("seeding did not index the org: %v", refs)
	}

	if err := db.DeleteOrganization(doomed.ID); err != nil {
		t.Fatal(err)
	}
	if refs := indexRefs(t, db, doomed.ID); len(refs) != 0 {
		t.Errorf("global index entries still point at the deleted org: %v", refs)
	}
	_ = db.view(func(tx txn) error {
		if tx.Bucket([]byte(bucketOrgs)).Bucket([]byte(doomed.ID)).exists() {
			t.Error("org bucket still exists")
		}
		return nil
	})
	if _, err := db.Organization(doomed.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Organization = %v", err)
	}
	if _, err := db.Membership(doomed.ID, ada.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Membership = %v", err)
	}
	if _, err := db.APIKeyByDigest([]byte("digest-" + doomed.ID + ada.ID)); !errors.Is(err, ErrNotFound) {
		t.Errorf("APIKeyByDigest = %v", err)
	}
	if uos, _ := db.UserOrganizations(member.ID); len(uos) != 1 {
		t.Errorf("member still lists %d orgs, want only their own", len(uos))
	}
	// Users survive and the other organization is untouched.
	if _, err := db.User(member.ID); err != nil {
		t.Errorf("member account deleted: %v", err)
	}
	if refs := indexRefs(t, db, kept.ID); refs[bucketIdxAPIKey] != 2 || refs[bucketIdxInvitation] != 1 || refs[bucketIdxOrgSlug] != 1 {
		t.Errorf("other org's indexes damaged: %v", refs)
	}
	if logs, _, err := db.AuditLogs(kept.ID, AuditFilter{}); err != nil || len(logs) != 3 {
		t.Errorf("other org's audit = %d, %v", len(logs), err)
	}
}
