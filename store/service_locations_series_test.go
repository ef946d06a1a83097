package store

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"
)

// mustCreateLocatedService creates a service checked from the given locations.
func mustCreateLocatedService(t *testing.T, db *DB, orgID, name string, locations ...string) *Service {
	t.Helper()
	s := newTestService(name)
	s.Locations = locations
	if err := db.CreateService(orgID, s, nil); err != nil {
		t.Fatalf("CreateService(%s): %v", name, err)
	}
	return s
}

// One failing location of three does not fail the service (quorum 2 of 3), so it must not
// lower the service's uptime or dashboard summary either: the service's series holds the
// quorum's verdicts, each location's results its own series (SPEC §8).
func TestOneFailingLocationKeepsServiceUptime(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	now := at.Add(10 * time.Minute)
	db := openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: func() time.Time { return now }})
	org := mustOrg(t, db, "ada")
	svc := mustCreateLocatedService(t, db, org, "api", "eu-west", "us-east", "local")
	var batch []RecordItem
	for i := range 3 {
		t0 := at.Add(time.Duration(i) * time.Minute)
		// eu-west and us-east check in the same nanosecond: neither may overwrite the other.
		batch = append(batch,
			RecordItem{OrgID: org, Result: CheckResult{ServiceID: svc.ID, CheckedAt: t0, Status: StatusRed, Error: "timeout", Location: "eu-west"}},
			RecordItem{OrgID: org, Result: CheckResult{ServiceID: svc.ID, CheckedAt: t0, Status: StatusGreen, ResponseTimeMS: 40, Location: "us-east"}},
			RecordItem{OrgID: org, Result: CheckResult{ServiceID: svc.ID, CheckedAt: t0.Add(time.Second), Status: StatusGreen, ResponseTimeMS: 20, Location: "local"}})
	}
	if err := db.RecordResults(batch); err != nil {
		t.Fatal(err)
	}
	got, err := db.Service(org, svc.ID)
	if err != nil || got.Status != StatusGreen {
		t.Fatalf("service status %q, %v; want GREEN by quorum", got.Status, err)
	}
	from, to := at.Add(-time.Hour), at.Add(time.Hour)
	u, err := db.Uptime(org, svc.ID, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if u.FailedChecks != 0 || u.UptimePercentage != 100 || u.DownSeconds != 0 {
		t.Fatalf("service uptime %+v; want 100%% with no failed check (the service never failed)", u)
	}
	sums, err := db.ServiceSummaries(org, now)
	if err != nil || len(sums) != 1 {
		t.Fatalf("summaries %v, %v", sums, err)
	}
	if pct, ok := sums[0].Uptime24h.Percentage(); !ok || pct != 100 {
		t.Fatalf("dashboard 24h uptime %v (%v); want 100", pct, ok)
	}
	eu, err := db.UptimeAt(org, svc.ID, "eu-west", from, to)
	if err != nil || eu.TotalChecks != 3 || eu.FailedChecks != 3 {
		t.Fatalf("eu-west uptime %+v, %v; want its 3 failed checks", eu, err)
	}
	for _, loc := range []string{"eu-west", "us-east", "local"} {
		rows, err := db.ChecksAt(org, svc.ID, loc, time.Time{}, time.Time{}, 0)
		if err != nil || len(rows) != 3 {
			t.Fatalf("%s checks %d, %v; want 3", loc, len(rows), err)
		}
		for _, r := range rows {
			if r.Location != loc {
				t.Fatalf("%s check carries location %q", loc, r.Location)
			}
		}
	}
	all, err := db.ChecksAt(org, svc.ID, "", time.Time{}, time.Time{}, 0)
	if err != nil || len(all) != 9 {
		t.Fatalf("all checks %d, %v; want every location's 9", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		if all[i].CheckedAt.After(all[i-1].CheckedAt) {
			t.Fatalf("checks not newest first at %d", i)
		}
	}
}

// prefixRows counts the keys of the series of prefix in every series bucket and heads.
func prefixRows(t *testing.T, db *DB, orgID string, prefix []byte) int {
	t.Helper()
	n := 0
	err := db.view(func(tx txn) error {
		for _, name := range append(seriesBuckets(), subHeads, subLocationSeries) {
			b, _ := orgSub(tx, orgID, name)
			if !b.exists() {
				continue
			}
			c := b.Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
				n++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A location's series lives as long as its service names it: the janitor's sweep keeps
// it (it is not a service's, yet not orphaned), deletes it once the location is removed
// from the service, and deletes every location's series once the service is deleted.
func TestJanitorLocationSeries(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	now := at.Add(3 * time.Hour) // past staleHeadAge: the heads' open blocks move out too
	db := openTestDBAt(t, filepath.Join(t.TempDir(), "alertifypro.db"), Options{Now: func() time.Time { return now }})
	org := mustOrg(t, db, "ada")
	svc := mustCreateLocatedService(t, db, org, "api", "eu-west", "us-east", "local")
	var batch []RecordItem
	for i := range 20 {
		for _, loc := range svc.Locations {
			batch = append(batch, RecordItem{OrgID: org, Result: CheckResult{ServiceID: svc.ID,
				CheckedAt: at.Add(time.Duration(i) * time.Minute), Status: StatusGreen, Location: loc}})
		}
	}
	if err := db.RecordResults(batch); err != nil {
		t.Fatal(err)
	}
	own, _ := seriesPrefix(svc.ID)
	rows := func(loc string) int { return prefixRows(t, db, org, locationPrefix(own, loc)) }
	prune := func() {
		t.Helper()
		if _, err := db.PruneSeries(org, RetentionPolicy{}, now); err != nil {
			t.Fatal(err)
		}
	}
	prune()
	for _, loc := range svc.Locations {
		if rows(loc) == 0 {
			t.Fatalf("the sweep deleted the series of %s, a location the service names", loc)
		}
	}
	if rows, err := db.ChecksAt(org, svc.ID, "eu-west", time.Time{}, time.Time{}, 0); err != nil || len(rows) != 20 {
		t.Fatalf("eu-west keeps %d checks after the sweep, %v; want 20", len(rows), err)
	}
	if _, err := db.UpdateService(org, svc.ID, func(s *Service) error {
		s.Locations = []string{"eu-west", "us-east"}
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	prune()
	if n := rows("local"); n != 0 {
		t.Fatalf("a removed location's series keeps %d rows after the sweep", n)
	}
	if rows("eu-west") == 0 || rows("us-east") == 0 {
		t.Fatal("the sweep deleted the series of a location still named")
	}
	if err := db.DeleteService(org, svc.ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.PurgeServiceHistory(org, svc.ID); err != nil {
		t.Fatal(err)
	}
	prune()
	for _, loc := range []string{"eu-west", "us-east"} {
		if n := rows(loc); n != 0 {
			t.Fatalf("a deleted service's %s series keeps %d rows after the sweep", loc, n)
		}
	}
	if n := prefixRows(t, db, org, own); n != 0 {
		t.Fatalf("a deleted service's own series keeps %d rows", n)
	}
}
