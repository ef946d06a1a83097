package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

// seriesEpoch is 10:00 UTC on a Tuesday; the series tests place results around it.
var seriesEpoch = time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)

// fakeClock is a settable clock for the database (retention cutoffs, resolution choice).
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// openSeriesDB opens a test database whose clock reads now, with one organization whose
// plan allows any number of services.
func openSeriesDB(t testing.TB, now time.Time) (*DB, *fakeClock, *Organization) {
	t.Helper()
	clock := &fakeClock{t: now}
	db := openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: clock.Now})
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	if _, err := db.UpdateOrganization(org.ID, func(o *Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	return db, clock, org
}

// createServices creates n services checked every interval and returns them.
func createServices(t testing.TB, db *DB, orgID string, n int, interval time.Duration) []*Service {
	t.Helper()
	out := make([]*Service, n)
	for i := range out {
		s := newTestService(fmt.Sprintf("svc-%05d", i))
		s.CheckIntervalSeconds = int(interval / time.Second)
		if err := db.CreateService(orgID, s, nil); err != nil {
			t.Fatal(err)
		}
		out[i] = s
	}
	return out
}

// result builds a RecordItem; code 200 unless RED.
func result(orgID, serviceID string, at time.Time, status string, ms int) RecordItem {
	code, msg := 200, ""
	if status == StatusRed {
		code, msg = 503, "expected status 2xx, got 503"
	}
	return RecordItem{OrgID: orgID, Result: CheckResult{ServiceID: serviceID, CheckedAt: at, Status: status, ResponseTimeMS: ms, StatusCode: code, Error: msg}}
}

func mustRecord(t testing.TB, db *DB, items ...RecordItem) {
	t.Helper()
	if err := db.RecordResults(items); err != nil {
		t.Fatalf("RecordResults: %v", err)
	}
}

// storedRollup reads one rollup row directly (white-box checks of bucket boundaries).
func storedRollup(t *testing.T, db *DB, orgID, serviceID string, l rollupLevel, start time.Time) (rollup, bool) {
	t.Helper()
	var r rollup
	found := false
	err := db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		prefix, _ := seriesPrefix(serviceID)
		h, err := readHead(ob, prefix)
		if err != nil {
			return err
		}
		at := start.UnixNano()
		// The row as readers see it: its bucket's, or the series head's open one.
		return scanRollups(ob, l, prefix, h, at, at+1, func(_ int64, row *rollup) bool {
			r, found = *row, true
			return false
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return r, found
}

// fiveChecks is GREEN, YELLOW, RED, RED, GREEN one minute apart from seriesEpoch.
func fiveChecks(orgID, serviceID string) []RecordItem {
	at := func(m int) time.Time { return seriesEpoch.Add(time.Duration(m) * time.Minute) }
	return []RecordItem{
		result(orgID, serviceID, at(0), StatusGreen, 100),
		result(orgID, serviceID, at(1), StatusYellow, 1500),
		result(orgID, serviceID, at(2), StatusRed, 30),
		result(orgID, serviceID, at(3), StatusRed, 40),
		result(orgID, serviceID, at(4), StatusGreen, 200),
	}
}

func TestRecordResultsReadBack(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(5*time.Minute))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	mustRecord(t, db, fiveChecks(org.ID, svc.ID)...)

	checks, err := db.Checks(org.ID, svc.ID, seriesEpoch, time.Time{}, 0)
	if err != nil || len(checks) != 5 {
		t.Fatalf("Checks = %d, %v", len(checks), err)
	}
	want := CheckResult{ServiceID: svc.ID, CheckedAt: seriesEpoch.Add(2 * time.Minute), Status: StatusRed,
		ResponseTimeMS: 30, StatusCode: 503, Error: "expected status 2xx, got 503"}
	if checks[2] != want || checks[0].Status != StatusGreen || !checks[0].CheckedAt.Equal(seriesEpoch.Add(4*time.Minute)) {
		t.Fatalf("Checks newest first: got %+v", checks)
	}
	if two, _ := db.Checks(org.ID, svc.ID, seriesEpoch, seriesEpoch.Add(4*time.Minute), 2); len(two) != 2 || two[0].Status != StatusRed || two[1].Status != StatusRed {
		t.Fatalf("Checks until/limit: %+v", two)
	}

	got, err := db.Service(org.ID, svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusGreen || !got.LastCheckedAt.Equal(seriesEpoch.Add(4*time.Minute)) ||
		*got.LastResponseTimeMS != 200 || *got.LastStatusCode != 200 || got.LastError != "" || !got.UpdatedAt.Equal(svc.UpdatedAt) {
		t.Fatalf("service after results: %+v", got)
	}

	up, err := db.Uptime(org.ID, svc.ID, seriesEpoch, seriesEpoch.Add(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	wantUp := UptimeSummary{From: seriesEpoch, To: seriesEpoch.Add(5 * time.Minute), TotalChecks: 5, FailedChecks: 2,
		DegradedChecks: 1, DownSeconds: 120, UptimePercentage: 60, AvgResponseTimeMS: 600}
	if up != wantUp {
		t.Fatalf("Uptime = %+v\nwant     %+v", up, wantUp)
	}

	m, err := db.Metrics(org.ID, svc.ID, seriesEpoch, seriesEpoch.Add(5*time.Minute))
	if err != nil || m.Resolution != ResolutionRaw || len(m.Points) != 5 {
		t.Fatalf("Metrics = %+v, %v", m, err)
	}
	if p := m.Points[1]; p.Status != StatusYellow || p.ResponseTimeMS != 1500 || p.Up != 1 || p.Total != 1 || p.P95 != 1500 {
		t.Errorf("raw point = %+v", p)
	}
	if p := m.Points[2]; p.Status != StatusRed || p.Up != 0 || p.Avg != 0 || p.StatusCode != 503 {
		t.Errorf("raw RED point = %+v", p)
	}
}

func TestRecordResultsOneBatchEqualsSingles(t *testing.T) {
	now := seriesEpoch.Add(time.Hour)
	batchDB, _, org1 := openSeriesDB(t, now)
	singleDB, _, org2 := openSeriesDB(t, now)
	s1 := createServices(t, batchDB, org1.ID, 1, time.Minute)[0]
	s2 := createServices(t, singleDB, org2.ID, 1, time.Minute)[0]
	mustRecord(t, batchDB, fiveChecks(org1.ID, s1.ID)...)
	for _, it := range fiveChecks(org2.ID, s2.ID) {
		mustRecord(t, singleDB, it)
	}
	for l := range levelCount {
		start := time.Unix(0, floorNanos(seriesEpoch.UnixNano(), l.step())).UTC()
		for m := range 5 {
			at := start
			if l == level1m {
				at = seriesEpoch.Add(time.Duration(m) * time.Minute)
			}
			a, _ := storedRollup(t, batchDB, org1.ID, s1.ID, l, at)
			b, _ := storedRollup(t, singleDB, org2.ID, s2.ID, l, at)
			if a != b {
				t.Fatalf("level %s at %v: batch %+v, singles %+v", l.name(), at, a, b)
			}
		}
	}
	u1, _ := batchDB.Uptime(org1.ID, s1.ID, seriesEpoch, now)
	u2, _ := singleDB.Uptime(org2.ID, s2.ID, seriesEpoch, now)
	if u1 != u2 || u1.TotalChecks != 5 {
		t.Fatalf("uptime: batch %+v, singles %+v", u1, u2)
	}
}

func TestRecordResultsSkipsWhatCannotBeRecorded(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch)
	svcs := createServices(t, db, org.ID, 2, time.Minute)
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	gone := createServices(t, db, other.ID, 1, time.Minute)[0]
	if err := db.DeleteService(org.ID, svcs[1].ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteOrganization(other.ID); err != nil {
		t.Fatal(err)
	}
	bad := result(org.ID, svcs[0].ID, seriesEpoch, "PENDING", 1)
	mustRecord(t, db,
		result(org.ID, svcs[1].ID, seriesEpoch, StatusGreen, 1),   // service deleted meanwhile
		result(other.ID, gone.ID, seriesEpoch, StatusGreen, 1),    // organization gone
		result(org.ID, "not-a-uuid", seriesEpoch, StatusGreen, 1), // malformed ID
		result(org.ID, svcs[0].ID, time.Time{}, StatusGreen, 1),   // no time
		bad, // not a result status
		result(org.ID, svcs[0].ID, seriesEpoch, StatusGreen, 7),      // the one to keep
		result("no-such-org", svcs[0].ID, seriesEpoch, StatusRed, 1), // unknown organization
	)
	checks, err := db.Checks(org.ID, svcs[0].ID, seriesEpoch.Add(-time.Hour), time.Time{}, 0)
	if err != nil || len(checks) != 1 || checks[0].ResponseTimeMS != 7 {
		t.Fatalf("kept checks = %+v, %v", checks, err)
	}
	if _, err := db.Checks(org.ID, svcs[1].ID, time.Time{}, time.Time{}, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted service checks: %v", err)
	}
	st, err := db.Storage()
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Orgs) != 1 || st.Orgs[0].Results != 1 || st.Orgs[0].Rollup1m != 1 {
		t.Errorf("stored rows: %+v", st.Orgs)
	}
	if err := db.RecordResults(nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}

func TestRecordResultsKeepsPausedStatus(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch)
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	if _, err := db.UpdateService(org.ID, svc.ID, func(s *Service) error { s.Paused, s.Status = true, StatusPaused; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	mustRecord(t, db, result(org.ID, svc.ID, seriesEpoch, StatusRed, 12))
	got, _ := db.Service(org.ID, svc.ID)
	if got.Status != StatusPaused || got.LastCheckedAt == nil || *got.LastStatusCode != 503 || got.LastError == "" {
		t.Fatalf("paused service after a result: %+v", got)
	}
	// Time after a check of a paused service is not down time, whatever the result.
	mustRecord(t, db, result(org.ID, svc.ID, seriesEpoch.Add(time.Minute), StatusGreen, 12))
	if up, _ := db.Uptime(org.ID, svc.ID, seriesEpoch, seriesEpoch.Add(2*time.Minute)); up.DownSeconds != 0 || up.TotalChecks != 2 {
		t.Fatalf("uptime while paused: %+v", up)
	}
}

func TestRecordResultsLateArrivalKeepsService(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(time.Hour))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	mustRecord(t, db, result(org.ID, svc.ID, seriesEpoch.Add(2*time.Minute), StatusGreen, 10))
	mustRecord(t, db, result(org.ID, svc.ID, seriesEpoch, StatusRed, 10)) // older: history only
	got, _ := db.Service(org.ID, svc.ID)
	if got.Status != StatusGreen || !got.LastCheckedAt.Equal(seriesEpoch.Add(2*time.Minute)) {
		t.Fatalf("service rewound by a late result: %+v", got)
	}
	up, _ := db.Uptime(org.ID, svc.ID, seriesEpoch, seriesEpoch.Add(time.Hour))
	if up.TotalChecks != 2 || up.FailedChecks != 1 || up.DownSeconds != 0 {
		t.Fatalf("uptime = %+v", up)
	}
}

func TestAlertEvaluatorSeesEachResultInTheTransaction(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch)
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	var seen []string
	db.alerts.Result = func(atx *AlertTx, ev *ResultEvent) error {
		if !atx.tx.Writable() || ev.OrgID != org.ID {
			t.Errorf("evaluator got tx writable=%v org %s", atx.tx.Writable(), ev.OrgID)
		}
		seen = append(seen, ev.PrevStatus+"→"+ev.Service.Status)
		return nil
	}
	mustRecord(t, db, fiveChecks(org.ID, svc.ID)[:3]...)
	if want := []string{"PENDING→GREEN", "GREEN→YELLOW", "YELLOW→RED"}; !reflect.DeepEqual(seen, want) {
		t.Fatalf("hook saw %v, want %v", seen, want)
	}
	// An evaluator error aborts the batch: nothing of it is committed.
	db.alerts.Result = func(*AlertTx, *ResultEvent) error { return errors.New("boom") }
	if err := db.RecordResults(fiveChecks(org.ID, svc.ID)[3:]); err == nil {
		t.Fatal("hook error not returned")
	}
	if checks, _ := db.Checks(org.ID, svc.ID, time.Time{}, time.Time{}, 0); len(checks) != 3 {
		t.Fatalf("%d checks after an aborted batch, want 3", len(checks))
	}
}

func TestRecordResultsKeepsLatestCertificate(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(5*time.Minute))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	it := result(org.ID, svc.ID, seriesEpoch, StatusYellow, 100)
	it.Result.Certificate = &Certificate{Issuer: "Test CA", Subject: "example.test",
		ValidFrom: seriesEpoch.Add(-24 * time.Hour), ValidTo: seriesEpoch.Add(5 * 24 * time.Hour), DaysUntilExpiry: 5}
	mustRecord(t, db, it, result(org.ID, svc.ID, seriesEpoch.Add(time.Minute), StatusRed, 10))
	got, err := db.Service(org.ID, svc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Certificate == nil || got.Certificate.Subject != "example.test" || !got.Certificate.CheckedAt.Equal(seriesEpoch) {
		t.Fatalf("service certificate = %+v; want the one seen at the first check (a later check without TLS keeps it)", got.Certificate)
	}
}
