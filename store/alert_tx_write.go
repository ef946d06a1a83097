package store

import "fmt"

// alertBuckets returns orgID's state and open-alert buckets as far as they exist; create
// makes them (write paths), reads never do, so a quiet service adds nothing to the tx.
func (t *AlertTx) alertBuckets(orgID string, create bool) (*alertBuckets, error) {
	ab := t.buckets[orgID]
	if ab == nil {
		ab = new(alertBuckets)
		t.buckets[orgID] = ab
	}
	if ab.state.exists() && ab.open.exists() {
		return ab, nil
	}
	ob, err := orgBucket(t.tx, orgID)
	if err != nil {
		return nil, err
	}
	ab.state, ab.open = ob.Bucket([]byte(subAlertState)), ob.Bucket([]byte(subAlertOpen))
	if create {
		if !ab.state.exists() {
			if ab.state, err = ob.CreateBucket([]byte(subAlertState)); err != nil {
				return nil, err
			}
		}
		if !ab.open.exists() {
			if ab.open, err = ob.CreateBucket([]byte(subAlertOpen)); err != nil {
				return nil, err
			}
		}
	}
	return ab, nil
}

// RuleState returns the counters of rule ruleID on subject subjectID (zero when none).
func (t *AlertTx) RuleState(orgID, ruleID, subjectID string) (RuleState, error) {
	ab, err := t.alertBuckets(orgID, false)
	if err != nil || !ab.state.exists() {
		return RuleState{}, err
	}
	raw := ab.state.Get(openKey(ruleID, subjectID))
	if raw == nil {
		return RuleState{}, nil
	}
	return decodeRuleState(raw)
}

// PutRuleState stores the counters; the zero state deletes them, so a quiet subject keeps
// no row. Callers write only when the counters changed.
func (t *AlertTx) PutRuleState(orgID, ruleID, subjectID string, s RuleState) error {
	ab, err := t.alertBuckets(orgID, true)
	if err != nil {
		return err
	}
	t.writes++
	key := openKey(ruleID, subjectID)
	if s == (RuleState{}) {
		return ab.state.Delete(key)
	}
	return ab.state.Put(key, appendRuleState(nil, s))
}

// OpenAlert returns the open alert of rule ruleID on subjectID, or nil when there is none.
func (t *AlertTx) OpenAlert(orgID, ruleID, subjectID string) (*Alert, error) {
	ab, err := t.alertBuckets(orgID, false)
	if err != nil || !ab.open.exists() {
		return nil, err
	}
	id := ab.open.Get(openKey(ruleID, subjectID))
	if id == nil {
		return nil, nil
	}
	var a Alert
	if err := getAlert(t.tx, orgID, string(id), &a); err != nil {
		return nil, fmt.Errorf("store: alert_open names %s: %w", id, err)
	}
	return &a, nil
}

// Alert returns alert id of orgID, or ErrNotFound.
func (t *AlertTx) Alert(orgID, id string) (*Alert, error) {
	var a Alert
	if err := getAlert(t.tx, orgID, id, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateAlert stores a new alert (a.OrgID, AlertRuleID and a service or heartbeat ID
// required): empty ID and Status are filled (UUIDv7, firing). A rule and subject that
// already have an open alert is ErrConflict: the state machine never opens a second one.
// The audit log gets alert.fired (actor system) in the same transaction.
func (t *AlertTx) CreateAlert(a *Alert) error {
	if a.OrgID == "" || a.AlertRuleID == "" || a.SubjectID() == "" {
		return fmt.Errorf("store: alert needs an organization, a rule and a subject")
	}
	if a.ID == "" {
		a.ID = NewID()
	}
	if a.Status == "" {
		a.Status = AlertFiring
	}
	if err := getAlert(t.tx, a.OrgID, a.ID, &Alert{}); err == nil {
		return conflictf(entityAlert, "An alert with ID %s already exists.", a.ID)
	}
	if _, err := t.alertBuckets(a.OrgID, true); err != nil {
		return err
	}
	t.writes++
	if err := putAlert(t.tx, nil, a); err != nil {
		return err
	}
	// Every alert is created firing: this is where firing is audited.
	return t.auditAlert(a, AuditAlertFired)
}

// PutAlert stores a changed alert and keeps alert_open and alert_due in line with it (a
// resolved alert releases its rule+subject; its due times leave alert_due). ErrNotFound
// when the alert was never created. An open alert resolved with resolved_by "auto" gets
// alert.auto_resolved in the audit log, in the same transaction.
func (t *AlertTx) PutAlert(a *Alert) error {
	var old Alert
	if err := getAlert(t.tx, a.OrgID, a.ID, &old); err != nil {
		return err
	}
	t.writes++
	if err := putAlert(t.tx, &old, a); err != nil {
		return err
	}
	if old.Open() && a.Status == AlertResolved && a.ResolvedBy == ResolvedByAuto {
		return t.auditAlert(a, AuditAlertAutoResolved)
	}
	return nil
}

// Enqueue adds an outbox entry in this transaction (see DB.Enqueue for the defaults), so
// the notification commits with the alert change or not at all.
func (t *AlertTx) Enqueue(e *OutboxEntry) error {
	if err := t.db.enqueueOutbox(t.tx, e); err != nil {
		return err
	}
	t.queued = true
	t.writes++
	return nil
}

// Queued reports whether anything was enqueued through this view.
func (t *AlertTx) Queued() bool { return t.queued }

// Writes counts the writes made through this view (counters, alerts, outbox entries): the
// evaluator promises none for a steady service, and tests hold it to that.
func (t *AlertTx) Writes() int { return t.writes }

// Emit hands an event of orgID to the registered sinks (webhooks) inside this transaction.
func (t *AlertTx) Emit(orgID string, ev *Event) error {
	return t.db.emitEvent(t.tx, orgID, ev)
}

// AfterCommit runs fn after the transaction commits (never after a rollback): the place to
// wake the outbox sender for what was queued.
func (t *AlertTx) AfterCommit(fn func()) { t.tx.OnCommit(fn) }

// WithAlertTx runs fn in one write transaction with the alert view (for changes that are
// not about one existing alert: a heartbeat's transition, tests). An error from fn aborts
// everything it did.
func (db *DB) WithAlertTx(fn func(tx *AlertTx) error) error {
	return db.update("", nil, func(tx txn) error { return fn(db.newAlertTx(tx)) })
}

// UpdateAlert loads alert id of orgID, lets fn change it with the transaction's view, and
// stores it with its indexes, in one write transaction; an error from fn aborts everything
// (nothing fn queued is kept) and is returned as is. ID and OrgID cannot change.
func (db *DB) UpdateAlert(orgID, id string, fn func(tx *AlertTx, a *Alert) error, change *Change) (*Alert, error) {
	var a Alert
	err := db.update(orgID, change, func(tx txn) error {
		if err := getAlert(tx, orgID, id, &a); err != nil {
			return err
		}
		old := a
		// fn may change the due times in place; the index update needs the stored ones.
		old.NextEscalationAt, old.NextReminderAt = clonePtr(a.NextEscalationAt), clonePtr(a.NextReminderAt)
		if err := fn(db.newAlertTx(tx), &a); err != nil {
			return err
		}
		a.ID, a.OrgID = id, orgID
		return putAlert(tx, &old, &a)
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// clonePtr returns a pointer to a copy of *p, or nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
