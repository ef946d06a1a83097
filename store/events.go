package store

import "time"

// Event is something that happened in an organization which outbound webhook
// subscriptions may subscribe to (SPEC §3.15): Name is "monitor.down", "alert.resolved",
// "heartbeat.missed", "maintenance.started", "member.invited", ...; Data is the envelope's
// "data" object ({"monitor": {...}, "alert": {...}}) and must encode as JSON.
type Event struct {
	Name string
	At   time.Time
	Data any
}

// eventSink receives every event inside the write transaction that caused it, so what it
// queues (webhook deliveries in the outbox) commits together with the change or not at all.
type eventSink func(tx txn, orgID string, ev *Event) error

// emitEvent hands ev to every registered sink inside tx. An empty At is set to now.
func (db *DB) emitEvent(tx txn, orgID string, ev *Event) error {
	if ev.At.IsZero() {
		ev.At = db.stamp()
	}
	for _, sink := range db.eventSinks {
		if err := sink(tx, orgID, ev); err != nil {
			return err
		}
	}
	return nil
}

// EmitEvent records ev for organization orgID in a transaction of its own: for an event
// that changes nothing else in the store. An event caused by a change rides in that
// change's transaction instead (Change).
func (db *DB) EmitEvent(orgID string, ev *Event) error {
	if len(db.eventSinks) == 0 {
		return nil
	}
	return db.update(orgID, &Change{Events: []*Event{ev}}, func(txn) error { return nil })
}
