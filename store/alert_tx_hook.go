package store

import (
	"sync"

	bolt "go.etcd.io/bbolt"
)

// ResultEvent is what the alert evaluator sees of one recorded result, inside the
// recorder's transaction. Service is the service as this result left it (Status, Last*);
// treat it as read-only. Result.Status is MAINTENANCE while Maintenance (the active window
// covering the service) is set; ProbeStatus is always what the probe reported.
type ResultEvent struct {
	OrgID       string
	Service     *Service
	PrevStatus  string
	Result      *CheckResult
	ProbeStatus string
	Maintenance *MaintenanceWindow
}

// AlertEvaluator decides, for one recorded result, what happens to the alerts of its
// service; it runs inside RecordResults' write transaction and must do no network or slow
// work. An error aborts the recorder's whole batch.
type AlertEvaluator func(tx *AlertTx, ev *ResultEvent) error

// AlertCloser is told of every alert the store itself resolves (a rule deleted, disabled
// or moved to another subject) inside that transaction, so resolve notifications commit
// with it.
type AlertCloser func(tx *AlertTx, a *Alert) error

// SetAlertEvaluator installs fn to run for every result RecordResults records (after the
// service update, in batch order). Call it once at start-up, before results are recorded.
// All results of one batch share one AlertTx, so its caches (organizations, rules,
// channels) are filled once per group commit.
func (db *DB) SetAlertEvaluator(fn AlertEvaluator) {
	var mu sync.Mutex
	var cur *AlertTx // the view of the running write transaction
	db.afterResult = append(db.afterResult, func(tx *bolt.Tx, r *recordedResult) error {
		// Write transactions are serialized, so one slot suffices: a different tx means
		// the previous one has ended (and cur, holding it, keeps its address unique).
		mu.Lock()
		if cur == nil || cur.tx != tx {
			atx := db.newAlertTx(tx)
			cur = atx
			tx.OnCommit(func() {
				mu.Lock()
				if cur == atx {
					cur = nil // release the caches
				}
				mu.Unlock()
			})
		}
		atx := cur
		mu.Unlock()
		atx.ev = ResultEvent{OrgID: r.orgID, Service: r.service, PrevStatus: r.prevStatus,
			Result: r.result, ProbeStatus: r.probeStatus, Maintenance: r.maintenance}
		return fn(atx, &atx.ev)
	})
}

// SetAlertCloser installs fn (see AlertCloser); nil removes it. Call it at start-up.
func (db *DB) SetAlertCloser(fn AlertCloser) {
	if fn == nil {
		db.alertCloser.Store(nil)
		return
	}
	db.alertCloser.Store(&fn)
}
