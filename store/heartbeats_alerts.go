package store

import bolt "go.etcd.io/bbolt"

// OnHeartbeatTransition registers fn to run inside every write transaction that changes a
// heartbeat's status (a ping, a missed deadline, /fail, pause, resume, an edit), with the
// alert view of that transaction: the heartbeat's alerts open and resolve in the same
// commit as its status change, or not at all. Call it at start-up, before pings are
// recorded and before the deadline watcher runs.
func (db *DB) OnHeartbeatTransition(fn func(tx *AlertTx, ev *HeartbeatTransition) error) {
	db.afterHeartbeat = append(db.afterHeartbeat, func(tx *bolt.Tx, ev *HeartbeatTransition) error {
		return fn(db.newAlertTx(tx), ev)
	})
}

// Heartbeat returns heartbeat id of orgID as this transaction sees it, or ErrNotFound.
func (t *AlertTx) Heartbeat(orgID, id string) (*Heartbeat, error) {
	var hb Heartbeat
	if err := getHeartbeat(t.tx, orgID, id, &hb); err != nil {
		return nil, err
	}
	return &hb, nil
}
