package store

import (
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestBeatsOfLocatedAndDeletedServices: the beats of a service checked from several
// locations are its own series — the quorum's verdicts, one per evaluation — never a
// failing location's raw result; a deleted service and another organization's have no entry; the
// newest n come across raw blocks, oldest first.
func TestBeatsOfLocatedAndDeletedServices(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	now := at.Add(3 * time.Hour)
	db := openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: func() time.Time { return now }})
	org, other := mustOrg(t, db, "ada"), mustOrg(t, db, "bob")
	located := mustCreateLocatedService(t, db, org, "api", "eu-west", "us-east", "local")
	long := mustCreateLocatedService(t, db, org, "long")
	gone := mustCreateLocatedService(t, db, org, "gone")
	bobs := mustCreateLocatedService(t, db, other, "bobs")
	var batch []RecordItem
	for i := range 3 {
		t0 := at.Add(time.Duration(i) * time.Minute)
		batch = append(batch,
			RecordItem{OrgID: org, Result: CheckResult{ServiceID: located.ID, CheckedAt: t0, Status: StatusRed, Error: "timeout", Location: "eu-west"}},
			RecordItem{OrgID: org, Result: CheckResult{ServiceID: located.ID, CheckedAt: t0, Status: StatusGreen, ResponseTimeMS: 40, Location: "us-east"}},
			RecordItem{OrgID: org, Result: CheckResult{ServiceID: located.ID, CheckedAt: t0.Add(time.Second), Status: StatusGreen, ResponseTimeMS: 20, Location: "local"}})
	}
	// Two and a half hours a minute apart: several raw blocks.
	for i := range 150 {
		batch = append(batch, RecordItem{OrgID: org, Result: CheckResult{ServiceID: long.ID, CheckedAt: at.Add(time.Duration(i) * time.Minute),
			Status: StatusGreen, ResponseTimeMS: i}})
	}
	batch = append(batch,
		RecordItem{OrgID: org, Result: CheckResult{ServiceID: gone.ID, CheckedAt: at, Status: StatusGreen}},
		RecordItem{OrgID: other, Result: CheckResult{ServiceID: bobs.ID, CheckedAt: at, Status: StatusGreen}})
	if err := db.RecordResults(batch); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteService(org, gone.ID, nil); err != nil {
		t.Fatal(err)
	}
	got, err := db.Beats(org, []string{located.ID, long.ID, gone.ID, bobs.ID, long.ID}, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("beats of %d services; want the two that are the organization's", len(got))
	}
	for _, b := range got[located.ID] {
		if b.Status != StatusGreen || b.Location != "" {
			t.Fatalf("located service's beats %+v; want its own verdicts (GREEN by quorum)", got[located.ID])
		}
	}
	if n := len(got[located.ID]); n != 9 {
		t.Fatalf("located service: %d beats; want one per evaluation (each location's result is one), 9", n)
	}
	l := got[long.ID]
	if len(l) != 50 || l[0].ResponseTimeMS != 100 || l[49].ResponseTimeMS != 149 || !l[49].CheckedAt.Equal(at.Add(149*time.Minute)) {
		t.Fatalf("long service: %d beats, first %+v, last %+v; want checks 100–149", len(l), l[0], l[len(l)-1])
	}
	if _, err := db.Beats("nope", []string{long.ID}, 50); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown organization: %v; want not found", err)
	}
}
