package store

import (
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
