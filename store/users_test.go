package store

import (
	"errors"
	"fmt"
	"testing"
)

func TestRegisterFillsRecordsAndIndexes(t *testing.T) {
	db := openTestDB(t)
	u, org, m := mustRegister(t, db, "Ada@Example.com", "Ada Lovelace")

	if u.ID == "" || org.ID == "" || m.ID == "" {
		t.Fatalf("IDs not filled: user %q org %q membership %q", u.ID, org.ID, m.ID)
	}
	if u.CreatedAt.IsZero() || org.CreatedAt.IsZero() || m.JoinedAt.IsZero() {
		t.Errorf("times not filled: %v %v %v", u.CreatedAt, org.CreatedAt, m.JoinedAt)
	}
	if org.Slug != "ada-lovelace-s-organization" || org.PlanType != "free" || org.MaxServices != 5 {
		t.Errorf("org = %+v, want slug ada-lovelace-s-organization, free, 5", org)
	}
	if org.Settings.Timezone != "UTC" || org.Settings.AlertDefaults.ConsecutiveFailures != 2 {
		t.Errorf("settings = %+v, want DefaultOrgSettings", org.Settings)
	}
	if m.OrgID != org.ID || m.UserID != u.ID || m.Role != "owner" {
		t.Errorf("membership = %+v", m)
	}
	got, err := db.User(u.ID)
	if err != nil || got.Email != "Ada@Example.com" || got.PasswordHash != u.PasswordHash {
		t.Fatalf("User = %+v, %v", got, err)
	}
	if o, err := db.OrganizationBySlug(org.Slug); err != nil || o.ID != org.ID {
		t.Errorf("OrganizationBySlug = %+v, %v", o, err)
	}
	uos, err := db.UserOrganizations(u.ID)
	if err != nil || len(uos) != 1 || uos[0].Organization.ID != org.ID || uos[0].Role != "owner" {
		t.Errorf("UserOrganizations = %+v, %v", uos, err)
	}
}

func TestRegisterDuplicateEmailIsCaseInsensitiveConflict(t *testing.T) {
	db := openTestDB(t)
	mustRegister(t, db, "ada@example.com", "Ada")
	err := db.Register(&User{Email: "ADA@Example.COM"}, &Organization{Name: "Other"}, &Membership{}, nil)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("Register duplicate = %v, want ErrConflict", err)
	}
	// Nothing of the failed registration may remain (one transaction).
	if n, _ := db.CountUsers(); n != 1 {
		t.Errorf("CountUsers = %d, want 1", n)
	}
	if _, err := db.OrganizationBySlug("other"); !errors.Is(err, ErrNotFound) {
		t.Errorf("organization of the failed registration exists: %v", err)
	}
	if orgs, _ := db.Organizations(); len(orgs) != 1 {
		t.Errorf("Organizations = %d, want 1", len(orgs))
	}
}

func TestInstanceAdminIsOnlyTheFirstUser(t *testing.T) {
	db := openTestDB(t)
	first, _, _ := mustRegister(t, db, "first@example.com", "First")
	second := &User{Email: "second@example.com", IsInstanceAdmin: true} // a caller cannot claim it
	if err := db.Register(second, &Organization{Name: "Second"}, &Membership{}, nil); err != nil {
		t.Fatal(err)
	}
	if !first.IsInstanceAdmin {
		t.Error("first user is not instance admin")
	}
	if second.IsInstanceAdmin {
		t.Error("second user was made instance admin")
	}
	if got, _ := db.User(second.ID); got.IsInstanceAdmin {
		t.Error("stored second user is instance admin")
	}
	if n, err := db.CountUsers(); err != nil || n != 2 {
		t.Errorf("CountUsers = %d, %v; want 2", n, err)
	}
}

func TestRegisterSlugSuffixes(t *testing.T) {
	db := openTestDB(t)
	want := []string{"acme", "acme-2", "acme-3"}
	for i, w := range want {
		org := &Organization{Name: "ACME!"}
		if err := db.Register(&User{Email: fmt.Sprintf("u%d@example.com", i)}, org, &Membership{}, nil); err != nil {
			t.Fatal(err)
		}
		if org.Slug != w {
			t.Errorf("registration %d slug = %q, want %q", i, org.Slug, w)
		}
	}
	// An explicit slug is uniquified the same way.
	org := &Organization{Name: "x", Slug: "acme-2"}
	if err := db.Register(&User{Email: "u9@example.com"}, org, &Membership{}, nil); err != nil || org.Slug != "acme-2-2" {
		t.Errorf("explicit taken slug became %q, %v", org.Slug, err)
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Ada Lovelace's Organization": "ada-lovelace-s-organization",
		"  --Hello,  World!-- ":       "hello-world",
		"Ünïcödé":                     "n-c-d",
		"!!!":                         "org",
	} {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUserLookupsNotFound(t *testing.T) {
	db := openTestDB(t)
	if _, err := db.User("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("User = %v", err)
	}
	if _, err := db.UserByEmail("nobody@example.com"); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserByEmail = %v", err)
	}
	if _, err := db.UpdateUser("nope", func(*User) error { return nil }, "", nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateUser = %v", err)
	}
}

func TestUpdateUserKeepsTheEmail(t *testing.T) {
	db := openTestDB(t)
	ada, _, _ := mustRegister(t, db, "ada@example.com", "Ada")

	got, err := db.UpdateUser(ada.ID, func(u *User) error {
		u.FullName, u.ID = "Countess", "hijack"
		u.TokenVersion++
		return nil
	}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != ada.ID || got.FullName != "Countess" || got.TokenVersion != 1 || !got.UpdatedAt.After(ada.UpdatedAt) {
		t.Errorf("updated user = %+v", got)
	}
	// The address changes only through a confirmed e-mail change, so the index never
	// holds one nobody proved; not even a case change goes through here.
	for _, email := range []string{"countess@example.com", "ADA@example.com"} {
		if _, err := db.UpdateUser(ada.ID, func(u *User) error { u.Email = email; return nil }, "", nil); err == nil {
			t.Errorf("UpdateUser changed the e-mail to %s", email)
		}
	}
	if u, err := db.UserByEmail("ada@example.com"); err != nil || u.ID != ada.ID || u.Email != "ada@example.com" {
		t.Errorf("e-mail after refused changes = %+v, %v", u, err)
	}
	assertBucketLen(t, db, bucketIdxUserEmail, 1)
	// An error from fn aborts the update.
	boom := errors.New("boom")
	if _, err := db.UpdateUser(ada.ID, func(u *User) error { u.FullName = "X"; return boom }, "", nil); !errors.Is(err, boom) {
		t.Errorf("fn error = %v, want boom", err)
	}
	if u, _ := db.User(ada.ID); u.FullName != "Countess" {
		t.Errorf("aborted update was stored: %q", u.FullName)
	}
}

// assertBucketLen fails t unless the global bucket has want keys.
func assertBucketLen(t *testing.T, db *DB, bucket string, want int) {
	t.Helper()
	var n int
	_ = db.view(func(tx txn) error {
		n = tx.Bucket([]byte(bucket)).Stats().KeyN
		return nil
	})
	if n != want {
		t.Errorf("bucket %s has %d keys, want %d", bucket, n, want)
	}
}
