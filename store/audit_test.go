package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// seedAudit appends n entries one minute apart from testEpoch, alternating actors, events and
// resource types, and returns their IDs oldest first.
func seedAudit(t *testing.T, db *DB, orgID string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := 0; i < n; i++ {
		e := &AuditEntry{
			Timestamp: testEpoch.Add(time.Duration(i) * time.Minute),
			Event:     []string{"service.created", "auth.login"}[i%2],
			Actor:     AuditActor{Type: "user", ID: []string{"u1", "u2", "u3"}[i%3], IP: "127.0.0.1"},
			Resource:  AuditResource{Type: []string{"service", "user"}[i%2], ID: fmt.Sprint(i)},
			Metadata:  map[string]any{"i": i},
		}
		if err := db.AppendAudit(orgID, e); err != nil {
			t.Fatal(err)
		}
		ids[i] = e.ID
	}
	return ids
}

// resourceIDs lists the Resource.ID of entries, for compact comparisons.
func resourceIDs(es []AuditEntry) string {
	s := ""
	for _, e := range es {
		s += e.Resource.ID + " "
	}
	return s
}

func TestAuditLogsNewestFirstWithFilters(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	seedAudit(t, db, org.ID, 12)
	seedAudit(t, db, other.ID, 2)

	all, next, err := db.AuditLogs(org.ID, AuditFilter{})
	if err != nil || next != "" || len(all) != 12 {
		t.Fatalf("AuditLogs = %d entries, cursor %q, %v", len(all), next, err)
	}
	if got := resourceIDs(all); got != "11 10 9 8 7 6 5 4 3 2 1 0 " {
		t.Errorf("order = %s, want newest first", got)
	}
	if all[0].ID == "" || all[0].Timestamp.Location() != time.UTC || all[0].Metadata["i"] != float64(11) {
		t.Errorf("entry = %+v", all[0])
	}
	for name, tc := range map[string]struct {
		f    AuditFilter
		want string
	}{
		"actor":           {AuditFilter{ActorID: "u2"}, "10 7 4 1 "},
		"event any case":  {AuditFilter{Event: "AUTH.LOGIN"}, "11 9 7 5 3 1 "},
		"resource type":   {AuditFilter{ResourceType: "service"}, "10 8 6 4 2 0 "},
		"since inclusive": {AuditFilter{Since: testEpoch.Add(9 * time.Minute)}, "11 10 9 "},
		"until inclusive": {AuditFilter{Until: testEpoch.Add(2 * time.Minute)}, "2 1 0 "},
		"window+event":    {AuditFilter{Since: testEpoch.Add(3 * time.Minute), Until: testEpoch.Add(8 * time.Minute), Event: "service.created"}, "8 6 4 "},
		"limit":           {AuditFilter{Limit: 2}, "11 10 "},
		"nothing":         {AuditFilter{ActorID: "nobody"}, ""},
	} {
		got, _, err := db.AuditLogs(org.ID, tc.f)
		if err != nil || resourceIDs(got) != tc.want {
			t.Errorf("%s: got %q, %v; want %q", name, resourceIDs(got), err, tc.want)
		}
	}
	if _, _, err := db.AuditLogs("nope", AuditFilter{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown org = %v", err)
	}
	if es, _, _ := db.AuditLogs(other.ID, AuditFilter{}); len(es) != 2 {
		t.Errorf("other org sees %d entries, want its own 2", len(es))
	}
}

func TestAuditLogsCursorPaging(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	seedAudit(t, db, org.ID, 10)
	// Two entries with the same timestamp keep insertion order (the sequence in the key).
	for _, id := range []string{"same-a", "same-b"} {
		e := &AuditEntry{Timestamp: testEpoch.Add(time.Hour), Event: "x", Resource: AuditResource{ID: id}}
		if err := db.AppendAudit(org.ID, e); err != nil {
			t.Fatal(err)
		}
	}

	var pages []string
	f := AuditFilter{Limit: 3, Event: "service.created"}
	for i := 0; i < 5; i++ {
		es, next, err := db.AuditLogs(org.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, resourceIDs(es))
		if next == "" {
			break
		}
		// An entry appended between pages must not shift the following pages.
		late := &AuditEntry{Timestamp: testEpoch.Add(2 * time.Hour), Event: "service.created", Resource: AuditResource{ID: "late"}}
		if err := db.AppendAudit(org.ID, late); err != nil {
			t.Fatal(err)
		}
		f.Cursor = next
	}
	if got := strings.Join(pages, "| "); got != "8 6 4 | 2 0 " {
		t.Errorf("pages = %q, want \"8 6 4 | 2 0 \"", got)
	}
	es, _, _ := db.AuditLogs(org.ID, AuditFilter{Event: "x"})
	if resourceIDs(es) != "same-b same-a " {
		t.Errorf("same-timestamp order = %q, want same-b same-a", resourceIDs(es))
	}
	for _, bad := range []string{"zz", "00ff", "not-hex-at-all"} {
		if _, _, err := db.AuditLogs(org.ID, AuditFilter{Cursor: bad}); !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("cursor %q = %v, want ErrInvalidCursor", bad, err)
		}
	}
}

func TestAuditLimitDefaultAndCap(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	seedAudit(t, db, org.ID, 1005)
	if es, next, _ := db.AuditLogs(org.ID, AuditFilter{}); len(es) != 100 || next == "" {
		t.Errorf("default page = %d entries, cursor %q; want 100 and a cursor", len(es), next)
	}
	if es, _, _ := db.AuditLogs(org.ID, AuditFilter{Limit: 5000}); len(es) != 1000 {
		t.Errorf("Limit 5000 returned %d entries, want the 1000 cap", len(es))
	}
}

func TestPruneAudit(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	seedAudit(t, db, org.ID, 2100)
	n, err := db.PruneAudit(org.ID, testEpoch.Add(2050*time.Minute))
	if err != nil || n != 2050 {
		t.Fatalf("PruneAudit = %d, %v; want 2050", n, err)
	}
	es, _, _ := db.AuditLogs(org.ID, AuditFilter{Limit: 1000})
	if len(es) != 50 || es[49].Resource.ID != "2050" {
		t.Errorf("after prune %d entries remain, oldest %q; want 50 from 2050", len(es), es[len(es)-1].Resource.ID)
	}
	if n, err := db.PruneAudit(org.ID, testEpoch); err != nil || n != 0 {
		t.Errorf("second prune = %d, %v", n, err)
	}
	if _, err := db.PruneAudit("nope", testEpoch); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown org = %v", err)
	}
	if AuditRetention != 90*24*time.Hour {
		t.Errorf("AuditRetention = %v", AuditRetention)
	}
}
