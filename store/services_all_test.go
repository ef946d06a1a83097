package store

import "testing"

func TestForEachServiceSpansOrganizations(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	_, b, _ := mustRegister(t, db, "b@example.com", "B")
	for _, tc := range []struct{ org, name string }{{a.ID, "a1"}, {a.ID, "a2"}, {b.ID, "b1"}} {
		if err := db.CreateService(tc.org, &Service{Name: tc.name, CheckType: "TCP", Endpoint: "127.0.0.1:1"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteOrganization(b.ID); err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	if err := db.ForEachService(func(s *Service) error { seen[s.Name] = s.OrgID; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen["a1"] != a.ID || seen["a2"] != a.ID {
		t.Fatalf("ForEachService saw %v; want a1 and a2 of org A only (B is deleted)", seen)
	}
}
