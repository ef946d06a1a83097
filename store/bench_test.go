package store

import (
	"fmt"
	"testing"
)

// benchTenants is how many users (each with an organization) the read benchmarks seed, so
// lookups walk a B+tree of realistic depth rather than a single page.
const benchTenants = 2000

// seedTenants registers n users and returns them with their organizations.
func seedTenants(b *testing.B, db *DB, n int) ([]*User, []*Organization) {
	b.Helper()
	users, orgs := make([]*User, n), make([]*Organization, n)
	for i := range n {
		users[i], orgs[i], _ = mustRegister(b, db, fmt.Sprintf("user%05d@example.com", i), fmt.Sprintf("User %d", i))
	}
	return users, orgs
}

// BenchmarkMembershipAndOrg measures what every authenticated request does: the caller's
// membership of the token's organization, then the organization itself.
func BenchmarkMembershipAndOrg(b *testing.B) {
	db := openTestDB(b)
	users, orgs := seedTenants(b, db, benchTenants)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		j := (i * 7919) % benchTenants // stride through tenants rather than hit one hot page
		if _, err := db.Membership(orgs[j].ID, users[j].ID); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Organization(orgs[j].ID); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkUserByEmail measures the login lookup: e-mail index, then the user record.
func BenchmarkUserByEmail(b *testing.B) {
	db := openTestDB(b)
	users, _ := seedTenants(b, db, benchTenants)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u := users[(i*7919)%benchTenants]
		if _, err := db.UserByEmail(u.Email); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkAPIKeyByDigest measures API-key authentication: digest index, then the key record
// in its organization and the constant-time digest compare.
func BenchmarkAPIKeyByDigest(b *testing.B) {
	db := openTestDB(b)
	users, orgs := seedTenants(b, db, benchTenants)
	digests := make([][]byte, benchTenants)
	for i := range benchTenants {
		k, d := newKey("bench", fmt.Sprintf("ak_bench-secret-%05d", i), users[i].ID)
		if err := db.CreateAPIKey(orgs[i].ID, k, nil); err != nil {
			b.Fatal(err)
		}
		digests[i] = d
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := db.APIKeyByDigest(digests[(i*7919)%benchTenants]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
