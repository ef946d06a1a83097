package store

import (
	"testing"
	"time"
)

// TestServiceScanDecodesOnlyChanges: a second scan hands out the very services of the
// first for records that did not change — a result that leaves the status alone included
// — and fresh ones for an edited service and a status change; a deleted service is gone.
func TestServiceScanDecodesOnlyChanges(t *testing.T) {
	now := seriesEpoch
	db, _, org := openSeriesDB(t, now)
	svcs := createServices(t, db, org.ID, 3, time.Minute)
	sc := &ServiceScan{DB: db}
	scan := func() map[string]*Service {
		t.Helper()
		got := map[string]*Service{}
		if err := sc.Each(func(s *Service) error { got[s.ID] = s; return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	first := scan()
	if len(first) != 3 || first[svcs[0].ID].OrgID != org.ID || first[svcs[0].ID].Name != svcs[0].Name {
		t.Fatalf("first scan: %+v", first)
	}
	mustRecord(t, db, result(org.ID, svcs[0].ID, now, StatusGreen, 10)) // PENDING → GREEN
	if second := scan(); second[svcs[0].ID] == first[svcs[0].ID] || second[svcs[0].ID].Status != StatusGreen {
		t.Errorf("a status change: %+v, the first scan's %p", second[svcs[0].ID], first[svcs[0].ID])
	}
	steady := scan()
	mustRecord(t, db, result(org.ID, svcs[0].ID, now.Add(time.Minute), StatusGreen, 12))
	if _, err := db.UpdateService(org.ID, svcs[1].ID, func(s *Service) error { s.Endpoint = "https://example.org/"; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteService(org.ID, svcs[2].ID, nil); err != nil {
		t.Fatal(err)
	}
	got := scan()
	if got[svcs[0].ID] != steady[svcs[0].ID] {
		t.Errorf("a result that kept the status decoded the record again")
	}
	if got[svcs[1].ID] == steady[svcs[1].ID] || got[svcs[1].ID].Endpoint != "https://example.org/" {
		t.Errorf("the edited service: %+v", got[svcs[1].ID])
	}
	if _, ok := got[svcs[2].ID]; ok || len(got) != 2 || len(sc.seen) != 2 {
		t.Errorf("after a delete: %d services, %d kept", len(got), len(sc.seen))
	}
}

// TestRecorderSeesEditsBetweenBatches: the recorder keeps the records it decoded between
// batches; an edit made in between (here a pause) is what the next batch sees.
func TestRecorderSeesEditsBetweenBatches(t *testing.T) {
	now := seriesEpoch
	db, _, org := openSeriesDB(t, now)
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	mustRecord(t, db, result(org.ID, svc.ID, now, StatusGreen, 10))
	if _, err := db.UpdateService(org.ID, svc.ID, func(s *Service) error {
		s.Paused, s.Status = true, StatusPaused
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	mustRecord(t, db, result(org.ID, svc.ID, now.Add(time.Minute), StatusRed, 0))
	got, err := db.Service(org.ID, svc.ID)
	if err != nil || got.Status != StatusPaused || !got.Paused {
		t.Fatalf("after a pause and a RED result: %+v, %v", got, err)
	}
	if err := db.DeleteService(org.ID, svc.ID, nil); err != nil {
		t.Fatal(err)
	}
	if len(db.records.entries) != 0 {
		t.Errorf("%d records kept after the delete", len(db.records.entries))
	}
}
