package alerting

import (
	"fmt"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// BenchmarkRecordResultsWithRules measures what rule evaluation adds to the recorder
// (target: ≤ 5 µs per result). Each iteration records one group of 1 000 results — one
// per service, 2 % of them an isolated RED, so counters are written and reset as in a
// mostly healthy fleet — in one fsynced RecordResults transaction:
//
//   - none: no evaluator registered (the recorder alone);
//   - default: the organization's default rule covers every service;
//   - rules: every service has its own rule with an expression, plus one org-wide rule.
//
// ns/result is the whole recorder cost per result; eval-ns/result is the time spent inside
// the evaluator alone (timed around each call), the figure the target is about.
func BenchmarkRecordResultsWithRules(b *testing.B) {
	for _, mode := range []string{"none", "default", "rules"} {
		b.Run(mode, func(b *testing.B) {
			const services = 1000
			f := newFixture(b)
			svcs := make([]*store.Service, services)
			for i := range svcs {
				svcs[i] = f.service(fmt.Sprintf("svc%04d", i))
				if mode == "rules" {
					f.rule("own", svcs[i], 2, 1, func(r *store.AlertRule) {
						r.Condition.Statuses = []string{"RED", "YELLOW"}
						r.Condition.Expression = "status_code >= 500 || response_time > 3000"
					})
				}
			}
			if mode == "rules" {
				f.rule("fleet", nil, 3, 1)
			}
			f.channel("ops")
			var evalTime time.Duration
			f.db, f.al = reopenForBench(b, f, mode != "none", &evalTime)
			items := make([]store.RecordItem, services)
			round := 0
			next := func() []store.RecordItem {
				at := alertEpoch.Add(time.Duration(round) * time.Minute)
				for i, s := range svcs {
					status, code := store.StatusGreen, 200
					if (round+i)%50 == 0 {
						status, code = store.StatusRed, 503
					}
					items[i] = store.RecordItem{OrgID: f.org.ID, Result: store.CheckResult{ServiceID: s.ID,
						CheckedAt: at, Status: status, ResponseTimeMS: 40 + i%300, StatusCode: code}}
				}
				round++
				return items
			}
			for range 3 { // warm up: services have a status, counters exist
				if err := f.db.RecordResults(next()); err != nil {
					b.Fatal(err)
				}
			}
			evalTime = 0
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				if err := f.db.RecordResults(next()); err != nil {
					b.Fatal(err)
				}
				n += services
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/result")
			b.ReportMetric(float64(evalTime.Nanoseconds())/float64(n), "eval-ns/result")
		})
	}
}

// reopenForBench reopens the fixture's database (dropping the evaluator the fixture
// registered) and, if evaluate, registers an Alerter whose evaluator is timed into total.
func reopenForBench(b *testing.B, f *fixture, evaluate bool, total *time.Duration) (*store.DB, *Alerter) {
	b.Helper()
	if err := f.db.Close(); err != nil {
		b.Fatal(err)
	}
	db, err := store.Open(f.path, store.Options{Now: f.clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	a := NewAlerter(Config{Store: db, BaseURL: "https://status.example", AckKey: []byte("k"), Now: f.clock.Now})
	if evaluate {
		db.SetAlertEvaluator(func(tx *store.AlertTx, ev *store.ResultEvent) error {
			start := time.Now()
			err := a.evaluate(tx, ev)
			*total += time.Since(start)
			return err
		})
	}
	return db, a
}
