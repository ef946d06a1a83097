package store

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestSeriesHeadAndBlockRoundTrip: a head and a block encode and decode to what was put
// in, and a block entry with a bit this version does not know is refused, not misread.
func TestSeriesHeadAndBlockRoundTrip(t *testing.T) {
	start := floorNanos(seriesEpoch.UnixNano(), rawBlockSpan)
	entries := []rawEntry{
		{at: start, status: statusCodeGreen, ms: 12, code: 200},
		{at: start + 61e9, status: statusCodeGreen, ms: 300, code: 200},
		{at: start + 62e9, status: statusCodeRed, internal: true, ms: 0, code: 0, errorText: "connection refused"},
		{at: start + 900e9 - 1, status: statusCodeMaintenance, ms: 7, code: 503, errorText: "probe RED: x"},
	}
	v := encodeEntries([]byte{rawBlockV2}, start, entries)
	got, err := decodeRawRow(start, v, nil)
	if err != nil || !slices.Equal(got, entries) {
		t.Fatalf("block: %+v, %v\nwant %+v", got, err, entries)
	}
	if n := len(v) - 1; n > 4*12+len("connection refused")+len("probe RED: x") {
		t.Errorf("4 results take %d bytes", n)
	}
	// The first entry is delta 0 (1 byte) | flags | ms 12 (1 byte) | code 200 (2 bytes).
	reserved := bytes.Clone(v[1:])
	reserved[1] |= 0x40
	d := newEntryReader(start, reserved)
	var e rawEntry
	if d.next(&e) || d.err == nil {
		t.Errorf("an entry with a reserved bit decoded: %+v", e)
	}

	h := seriesHead{last: headLast{has: true, entry: entries[2], timings: Timings{DNS: 1, Connect: 2, TLS: 3, FirstByte: 4},
		certAt: 0, certAtSet: true}}
	for _, e := range entries {
		h.addRaw(start, &e)
	}
	h.open[level1m] = openRollup{has: true, start: start}
	h.open[level1m].r.add(StatusGreen, 12)
	h.open[level1d] = openRollup{has: true, start: floorNanos(start, 24*time.Hour)}
	h.open[level1d].r.add(StatusRed, 0)
	var back seriesHead
	if err := decodeHead(appendHead(nil, &h), &back); err != nil {
		t.Fatal(err)
	}
	gotRaw, _ := back.rawEntries(nil)
	if back.last != h.last || back.open != h.open || back.rawN != 4 || !slices.Equal(gotRaw, entries) {
		t.Errorf("head: %+v\nwant %+v", back, h)
	}
}

// capturedDB opens a series database whose every write set is kept.
func capturedDB(t *testing.T, now time.Time) (*DB, *[]*WriteSet, *Organization) {
	t.Helper()
	var sets []*WriteSet
	clock := &fakeClock{t: now}
	db := openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: clock.Now,
		Capture: func(ws *WriteSet) error { sets = append(sets, ws); return nil }})
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	if _, err := db.UpdateOrganization(org.ID, func(o *Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	return db, &sets, org
}

// TestSteadyResultWritesOnlyItsHead: a result that changes neither the service's status
// nor its certificate writes two keys — its series head and its summary (the overview's
// counts) — however many rollup levels and raw rows it counts in; the service record is
// not rewritten.
func TestSteadyResultWritesOnlyItsHead(t *testing.T) {
	db, sets, org := capturedDB(t, seriesEpoch.Add(time.Hour))
	svc := createServices(t, db, org.ID, 1, 10*time.Second)[0]
	mustRecord(t, db, result(org.ID, svc.ID, seriesEpoch, StatusGreen, 20)) // PENDING → GREEN
	before := len(*sets)
	mustRecord(t, db, result(org.ID, svc.ID, seriesEpoch.Add(10*time.Second), StatusGreen, 25))
	if len(*sets) != before+1 {
		t.Fatalf("%d write sets for one batch", len(*sets)-before)
	}
	var puts []string
	for _, m := range (*sets)[before].Mutations() {
		if m.Kind == MutationPut {
			puts = append(puts, string(m.Bucket[len(m.Bucket)-1]))
		}
	}
	slices.Sort(puts)
	if !slices.Equal(puts, []string{subHeads, subSummaries}) {
		t.Errorf("a steady result put %v, want only its head and its summary", puts)
	}
	got, _ := db.Service(org.ID, svc.ID)
	if got.Status != StatusGreen || *got.LastResponseTimeMS != 25 || !got.LastCheckedAt.Equal(seriesEpoch.Add(10*time.Second)) {
		t.Errorf("service shows %+v", got)
	}
}

// TestResultsAcrossBlocksAndHead: results spread over several raw blocks, the latest in
// the series head, with a late result into a closed block and a second result of the
// same nanosecond (the later wins), read back in order and in windows.
func TestResultsAcrossBlocksAndHead(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(2*time.Hour))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	at := func(m int) time.Time { return seriesEpoch.Add(time.Duration(m)*time.Minute + 7*time.Second) }
	for m := 0; m < 40; m++ {
		if m == 20 {
			continue // arrives late
		}
		mustRecord(t, db, result(org.ID, svc.ID, at(m), StatusGreen, m))
	}
	mustRecord(t, db, result(org.ID, svc.ID, at(20), StatusRed, 20))
	mustRecord(t, db, result(org.ID, svc.ID, at(5), StatusYellow, 555)) // same nanosecond as minute 5's
	checks, err := db.Checks(org.ID, svc.ID, time.Time{}, time.Time{}, 0)
	if err != nil || len(checks) != 40 {
		t.Fatalf("%d checks, %v", len(checks), err)
	}
	for i, c := range checks {
		m := 39 - i
		want := result(org.ID, svc.ID, at(m), StatusGreen, m).Result
		switch m {
		case 20:
			want.Status = StatusRed
		case 5:
			want.Status, want.ResponseTimeMS = StatusYellow, 555
		}
		want.StatusCode, want.Error = c.StatusCode, c.Error
		if !c.CheckedAt.Equal(want.CheckedAt) || c.Status != want.Status || c.ResponseTimeMS != want.ResponseTimeMS {
			t.Fatalf("check %d: %+v, want %+v", i, c, want)
		}
	}
	window, _ := db.Checks(org.ID, svc.ID, at(14), at(31), 0)
	if len(window) != 17 || !window[0].CheckedAt.Equal(at(30)) || !window[16].CheckedAt.Equal(at(14)) {
		t.Errorf("window [14, 31): %d checks from %v to %v", len(window), window[0].CheckedAt, window[len(window)-1].CheckedAt)
	}
	if two, _ := db.Checks(org.ID, svc.ID, time.Time{}, time.Time{}, 2); len(two) != 2 || !two[1].CheckedAt.Equal(at(38)) {
		t.Errorf("newest two: %+v", two)
	}
	m, _ := db.Metrics(org.ID, svc.ID, at(0), at(40))
	if len(m.Points) != 40 || m.Points[20].Status != StatusRed || m.Points[5].ResponseTimeMS != 555 {
		t.Errorf("raw metrics: %d points", len(m.Points))
	}
	if up, _ := db.Uptime(org.ID, svc.ID, seriesEpoch, seriesEpoch.Add(time.Hour)); up.TotalChecks != 41 || up.FailedChecks != 1 {
		// minute 5 counts twice in the rollups: a result written again is history, not a correction
		t.Errorf("uptime %+v", up)
	}
}

// TestRecordsWrittenBeforeHeads: a database written by the binary before series heads —
// one raw row per result, the latest result in the service record — reads as before, and
// the next result moves the latest result into a head, out of the record.
func TestRecordsWrittenBeforeHeads(t *testing.T) {
	db, _, org := openSeriesDB(t, seriesEpoch.Add(time.Hour))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	prefix, _ := seriesPrefix(svc.ID)
	old := []CheckResult{
		{CheckedAt: seriesEpoch.Add(3 * time.Second), Status: StatusGreen, ResponseTimeMS: 11, StatusCode: 200},
		{CheckedAt: seriesEpoch.Add(63 * time.Second), Status: StatusRed, ResponseTimeMS: 0, Error: "timeout after 5s"},
	}
	err := db.update(org.ID, nil, func(tx txn) error {
		b, err := orgSub(tx, org.ID, subResults)
		if err != nil {
			return err
		}
		for i := range old {
			if err := b.Put(seriesKey(prefix, old[i].CheckedAt.UnixNano()), appendRaw(nil, &old[i])); err != nil {
				return err
			}
		}
		services, _ := orgSub(tx, org.ID, subServices)
		s := *svc
		at, ms, code := old[1].CheckedAt, 0, 0
		s.Status, s.LastCheckedAt, s.LastResponseTimeMS, s.LastStatusCode, s.LastError = StatusRed, &at, &ms, &code, old[1].Error
		return putJSON(services, []byte(s.ID), &s)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := db.Service(org.ID, svc.ID)
	if got.LastError != "timeout after 5s" || !got.LastCheckedAt.Equal(old[1].CheckedAt) {
		t.Fatalf("before any new result: %+v", got)
	}
	mustRecord(t, db, result(org.ID, svc.ID, seriesEpoch.Add(123*time.Second), StatusGreen, 42))
	checks, _ := db.Checks(org.ID, svc.ID, time.Time{}, time.Time{}, 0)
	if len(checks) != 3 || checks[0].ResponseTimeMS != 42 || checks[1].Error != "timeout after 5s" || checks[2].StatusCode != 200 {
		t.Fatalf("checks: %+v", checks)
	}
	// The RED before the new result is down time: the head took the latest result over.
	if up, _ := db.Uptime(org.ID, svc.ID, seriesEpoch, seriesEpoch.Add(time.Hour)); up.DownSeconds != 60 {
		t.Errorf("uptime %+v", up)
	}
	var stored map[string]any
	_ = db.view(func(tx txn) error {
		b, _ := orgSub(tx, org.ID, subServices)
		return json.Unmarshal(b.Get([]byte(svc.ID)), &stored)
	})
	if _, ok := stored["last_checked_at"]; ok || stored["status"] != StatusGreen {
		t.Errorf("service record after the move: %v", stored)
	}
}

// TestJanitorMovesWhatHeadsHoldOfPastPeriods: a service no longer checked (paused) keeps
// its last block and open rows in its head; the janitor moves them to their buckets, so
// retention deletes its raw results on time and the rollups stay readable.
func TestJanitorMovesWhatHeadsHoldOfPastPeriods(t *testing.T) {
	db, clock, org := openSeriesDB(t, seriesEpoch.Add(time.Hour))
	svc := createServices(t, db, org.ID, 1, time.Minute)[0]
	for m := range 10 {
		mustRecord(t, db, result(org.ID, svc.ID, seriesEpoch.Add(time.Duration(m)*time.Minute), StatusGreen, 30))
	}
	j := &Janitor{DB: db, Now: clock.Now}
	if err := j.Sweep(); err != nil {
		t.Fatal(err)
	}
	st, _ := db.Storage()
	if o := st.Orgs[0]; o.Results != 10 || o.Rollup1m != 10 {
		t.Fatalf("after the first sweep: %+v", o)
	}
	clock.Set(seriesEpoch.Add(8 * 24 * time.Hour))
	if err := j.Sweep(); err != nil {
		t.Fatal(err)
	}
	st, _ = db.Storage()
	if o := st.Orgs[0]; o.Results != 0 || o.Rollup1m != 0 || o.Rollup1h != 1 || o.Rollup1d != 1 {
		t.Errorf("8 days later: %+v, want raw and 1m gone, 1h and 1d kept", o)
	}
	if up, _ := db.Uptime(org.ID, svc.ID, seriesEpoch.Add(-time.Hour), seriesEpoch.Add(2*time.Hour)); up.TotalChecks != 10 {
		t.Errorf("uptime from the hourly rows: %+v", up)
	}
	if got, _ := db.Service(org.ID, svc.ID); !got.LastCheckedAt.Equal(seriesEpoch.Add(9 * time.Minute)) {
		t.Errorf("the latest result went with the head: %+v", got)
	}
	if err := db.DeleteService(org.ID, svc.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.PurgeServiceHistory(org.ID, svc.ID); err != nil {
		t.Fatal(err)
	}
	_ = db.view(func(tx txn) error {
		ob, _ := orgBucket(tx, org.ID)
		if n := ob.Bucket([]byte(subHeads)).Stats().KeyN; n != 0 {
			t.Errorf("%d heads after the purge", n)
		}
		return nil
	})
}
