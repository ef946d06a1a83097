package store

import (
	"path/filepath"
	"testing"
	"time"
)

// An agent's batch is recorded with its ledger entry in one transaction: sent again — by
// the same connection, after a reconnection, after the server restarted — it is a
// duplicate and nothing is counted twice (SPEC §8).
func TestRecordAgentBatchOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alertifypro.db")
	db := openTestDBAt(t, path, Options{Now: tickClock()})
	org := mustOrg(t, db, "ada")
	svc := mustCreateService(t, db, org, "api")
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	items := func() []RecordItem {
		return []RecordItem{
			{OrgID: org, Result: CheckResult{ServiceID: svc.ID, CheckedAt: at, Status: StatusRed, Location: "eu-west"}},
			{OrgID: org, Result: CheckResult{ServiceID: svc.ID, CheckedAt: at.Add(time.Second), Status: StatusGreen, Location: "eu-west"}},
		}
	}
	batch := AgentBatch{LocationID: "loc-1", Instance: "proc-1", Seq: 1, At: at}
	count := func(db *DB) int {
		t.Helper()
		u, err := db.Uptime(org, svc.ID, at.Add(-time.Hour), at.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return u.TotalChecks
	}
	if dup, err := db.RecordAgentBatch(batch, items()); err != nil || dup {
		t.Fatalf("first: dup %v, %v", dup, err)
	}
	if dup, err := db.RecordAgentBatch(batch, items()); err != nil || !dup {
		t.Fatalf("again: dup %v, %v; want a duplicate", dup, err)
	}
	if seq, err := db.AgentBatchSeq("loc-1", "proc-1"); err != nil || seq != 1 {
		t.Fatalf("ledger = %d, %v", seq, err)
	}
	if n := count(db); n != 2 {
		t.Fatalf("%d checks counted, want 2", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTestDBAt(t, path, Options{Now: tickClock()})
	if dup, err := db.RecordAgentBatch(batch, items()); err != nil || !dup {
		t.Fatalf("after a restart: dup %v, %v; want a duplicate", dup, err)
	}
	// The next batch of the process, and the same number of another process, are new.
	for _, b := range []AgentBatch{{LocationID: "loc-1", Instance: "proc-1", Seq: 2, At: at},
		{LocationID: "loc-1", Instance: "proc-2", Seq: 1, At: at}} {
		if dup, err := db.RecordAgentBatch(b, nil); err != nil || dup {
			t.Fatalf("%+v: dup %v, %v", b, dup, err)
		}
	}
	if n := count(db); n != 2 {
		t.Fatalf("%d checks counted after the restart, want 2", n)
	}
}
