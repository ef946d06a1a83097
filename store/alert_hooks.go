package store

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
	// FailingRegions are, for a service of several locations, the locations whose failure
	// streaks make the quorum (the evaluator fills it; open alerts carry it).
	FailingRegions []string
}

// AlertEvaluator decides, for one recorded result, what happens to the alerts of its
// service. RecordResults runs it inside its write transaction, in batch order, once per
// result that advanced its service (never for one older than the service's
// LastCheckedAt), so a result, the status change and the alert it opens commit together
// or not at all. It must do no network or slow work; an error aborts the whole batch.
type AlertEvaluator func(tx *AlertTx, ev *ResultEvent) error

// HeartbeatEvaluator decides what a heartbeat's status change (a ping, a missed deadline,
// /fail, pause, resume, an edit) does to its alerts, inside the transaction of that
// change: the alerts open and resolve in the same commit as the status, or not at all.
type HeartbeatEvaluator func(tx *AlertTx, ev *HeartbeatTransition) error

// AlertCloser is told of every alert the store itself resolves (a rule deleted, disabled
// or moved to another subject) inside that transaction, so resolve notifications commit
// with it.
type AlertCloser func(tx *AlertTx, a *Alert) error

// AlertHooks are the alert state machine's decisions that must run inside the store's
// write transactions (alerting.StateMachine.StoreHooks provides them). Each must be
// quick and do no I/O; its error aborts the transaction it runs in.
type AlertHooks struct {
	Result    AlertEvaluator
	Heartbeat HeartbeatEvaluator
	Closed    AlertCloser
}

// Heartbeat returns heartbeat id of orgID as this transaction sees it, or ErrNotFound.
func (t *AlertTx) Heartbeat(orgID, id string) (*Heartbeat, error) {
	var hb Heartbeat
	if err := getHeartbeat(t.tx, orgID, id, &hb); err != nil {
		return nil, err
	}
	return &hb, nil
}
