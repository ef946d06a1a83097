package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// newTestService is a minimal valid service record named name.
func newTestService(name string) *Service {
	return &Service{Name: name, Endpoint: "https://example.com", CheckType: "HTTP",
		CheckIntervalSeconds: 60, TimeoutSeconds: 10, Status: "PENDING", Tags: []string{},
		DegradedThresholdMS: 1000, Options: json.RawMessage(`{"method":"GET"}`)}
}

func mustCreateService(t *testing.T, db *DB, orgID, name string) *Service {
	t.Helper()
	s := newTestService(name)
	if err := db.CreateService(orgID, s, nil); err != nil {
		t.Fatalf("CreateService(%s): %v", name, err)
	}
	return s
}

func TestCreateServiceKeepsIDAndRoundTrips(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	s := newTestService("API")
	s.ID = "0190aaaa-0000-7000-8000-000000000001"
	s.Auth = &SealedAuth{Type: "basic", Sealed: []byte{1, 2, 3}}
	s.SealedHeaders = map[string][]byte{"X-Token": {4, 5}}
	if err := db.CreateService(org.ID, s, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.Service(org.ID, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != s.ID || got.OrgID != org.ID || got.CreatedAt.IsZero() || string(got.Options) != `{"method":"GET"}` {
		t.Fatalf("got %+v", got)
	}
	if got.Auth == nil || string(got.Auth.Sealed) != "\x01\x02\x03" || string(got.SealedHeaders["X-Token"]) != "\x04\x05" {
		t.Fatalf("sealed parts lost: %+v", got)
	}
	// An empty ID is filled.
	other := mustCreateService(t, db, org.ID, "Other")
	if other.ID == "" || other.ID == s.ID {
		t.Fatalf("ID %q", other.ID)
	}
	// Reusing an ID is refused.
	dup := newTestService("Third")
	dup.ID = s.ID
	if err := db.CreateService(org.ID, dup, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("same ID: %v", err)
	}
}

func TestServicesEmptyIsNotNil(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	list, err := db.Services(org.ID)
	if err != nil || list == nil || len(list) != 0 {
		t.Fatalf("Services = %v, %v", list, err)
	}
	if _, err := db.Services("no-such-org"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown org: %v", err)
	}
}

// TestCreateServicePlanCapIsAtomic races more creates than the plan allows; the check and
// the insert share one write transaction, so exactly the cap succeeds.
func TestCreateServicePlanCapIsAtomic(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada") // free: 5 services
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Go(func() { errs[i] = db.CreateService(org.ID, newTestService(fmt.Sprintf("svc-%d", i)), nil) })
	}
	wg.Wait()
	ok, limited := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrPlanLimit):
			limited++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	n, err := db.CountServices(org.ID)
	if ok != 5 || limited != 5 || n != 5 || err != nil {
		t.Fatalf("ok=%d limited=%d count=%d err=%v", ok, limited, n, err)
	}
	// A refused create wrote nothing, not even its name.
	if _, err := db.UpdateOrganization(org.ID, func(o *Organization) error { o.MaxServices = 6; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	list, _ := db.Services(org.ID)
	taken := map[string]bool{}
	for _, s := range list {
		taken[s.Name] = true
	}
	for i := range errs {
		if name := fmt.Sprintf("svc-%d", i); !taken[name] {
			mustCreateService(t, db, org.ID, name) // its name is free
			break
		}
	}
}

func TestCreateServiceUnlimitedAndZeroCap(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	if _, err := db.UpdateOrganization(org.ID, func(o *Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		mustCreateService(t, db, org.ID, fmt.Sprintf("svc-%d", i))
	}
	if _, err := db.UpdateOrganization(org.ID, func(o *Organization) error { o.MaxServices = 0; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateService(org.ID, newTestService("more"), nil); !errors.Is(err, ErrPlanLimit) {
		t.Fatalf("max_services 0: %v", err)
	}
}

func TestCreateServiceNameConflictIsCaseInsensitive(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	mustCreateService(t, db, org.ID, "Main API")
	if err := db.CreateService(org.ID, newTestService("  main api "), nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate name: %v", err)
	}
	if n, _ := db.CountServices(org.ID); n != 1 {
		t.Fatalf("count %d after refused create", n)
	}
	// Another organization may use the same name.
	_, org2, _ := mustRegister(t, db, "bob@example.com", "Bob")
	mustCreateService(t, db, org2.ID, "Main API")
}

func TestServiceTenantIsolation(t *testing.T) {
	db := openTestDB(t)
	_, orgA, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, orgB, _ := mustRegister(t, db, "bob@example.com", "Bob")
	s := mustCreateService(t, db, orgA.ID, "A's API")
	if _, err := db.Service(orgB.ID, s.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Service from B: %v", err)
	}
	if _, err := db.UpdateService(orgB.ID, s.ID, func(*Service) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("UpdateService from B: %v", err)
	}
	if err := db.DeleteService(orgB.ID, s.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DeleteService from B: %v", err)
	}
	if list, _ := db.Services(orgB.ID); len(list) != 0 {
		t.Fatalf("B lists %v", list)
	}
	if _, err := db.Service(orgA.ID, s.ID); err != nil {
		t.Fatalf("A lost its service: %v", err)
	}
}

func TestUpdateService(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	a := mustCreateService(t, db, org.ID, "Alpha")
	mustCreateService(t, db, org.ID, "Beta")

	got, err := db.UpdateService(org.ID, a.ID, func(s *Service) error {
		s.Endpoint, s.ID, s.OrgID = "https://changed.example", "hijack", "other"
		return nil
	}, nil)
	if err != nil || got.Endpoint != "https://changed.example" || got.ID != a.ID || got.OrgID != org.ID ||
		!got.UpdatedAt.After(a.UpdatedAt) || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("update: %+v %v", got, err)
	}
	if _, err := db.UpdateService(org.ID, a.ID, func(s *Service) error { s.Name = "BETA"; return nil }, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("rename onto Beta: %v", err)
	}
	// A case change of its own name is no conflict, and frees nothing else.
	if _, err := db.UpdateService(org.ID, a.ID, func(s *Service) error { s.Name = "ALPHA"; return nil }, nil); err != nil {
		t.Fatalf("case change: %v", err)
	}
	if _, err := db.UpdateService(org.ID, a.ID, func(s *Service) error { s.Name = "Gamma"; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	mustCreateService(t, db, org.ID, "alpha") // the old name is free again
	if err := db.CreateService(org.ID, newTestService("gamma"), nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("new name not indexed: %v", err)
	}
	boom := errors.New("boom")
	if _, err := db.UpdateService(org.ID, a.ID, func(s *Service) error { s.Name = "Zeta"; return boom }, nil); err != boom {
		t.Fatalf("fn error: %v", err)
	}
	if s, _ := db.Service(org.ID, a.ID); s.Name != "Gamma" {
		t.Fatalf("aborted update wrote %q", s.Name)
	}
	if _, err := db.UpdateService(org.ID, "missing", func(*Service) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
}

func TestDeleteService(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	s := mustCreateService(t, db, org.ID, "Alpha")
	if err := db.DeleteService(org.ID, s.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Service(org.ID, s.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := db.DeleteService(org.ID, s.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if n, _ := db.CountServices(org.ID); n != 0 {
		t.Fatalf("count %d", n)
	}
	mustCreateService(t, db, org.ID, "ALPHA") // name freed
	// Deleting the organization drains the name index with everything else.
	if err := db.DeleteOrganization(org.ID); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkStoreService measures the store half of GET /services/{id}: one read transaction
// and the decode of a realistic record, across many organizations.
func BenchmarkStoreService(b *testing.B) {
	db := openTestDB(b)
	_, orgs := seedTenants(b, db, 500)
	ids := make([]string, len(orgs))
	for i, org := range orgs {
		s := newTestService("API")
		s.Description = "The public API behind the load balancer"
		s.Tags = []string{"prod", "api", "eu-west"}
		s.Auth = &SealedAuth{Type: "bearer", Sealed: make([]byte, 60)}
		if err := db.CreateService(org.ID, s, nil); err != nil {
			b.Fatal(err)
		}
		ids[i] = s.ID
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			j := (i * 7919) % len(orgs)
			if _, err := db.Service(orgs[j].ID, ids[j]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}
