package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"time"
)

// alertDueKey is an alert_due key: the due time first, so the escalator reads only the due
// prefix, then the alert ID, so keys are unique per alert and time.
func alertDueKey(due time.Time, alertID string) []byte {
	return append(be64(unixNanos(due)), alertID...)
}

// dueTimes lists the due times of an open alert (none once it is resolved).
func dueTimes(a *Alert) []time.Time {
	var out []time.Time
	if a == nil || !a.Open() {
		return out
	}
	for _, t := range []*time.Time{a.NextEscalationAt, a.NextReminderAt} {
		if t != nil {
			out = append(out, *t)
		}
	}
	return out
}

// openKey is the alert_open (and alert_state) key of a rule and subject.
func openKey(ruleID, subjectID string) []byte { return compositeKey(ruleID, subjectID) }

// putAlert writes a into its organization's alerts bucket and brings the alert_open and
// alert_due indexes in line with it (old is the stored version, nil for a new alert): an
// open alert owns its rule+subject's alert_open entry, a resolved one releases it, and
// exactly its current due times are in alert_due. A second open alert for the same rule and
// subject is ErrConflict.
func putAlert(tx txn, old, a *Alert) error {
	if a.Notes == nil {
		a.Notes = []AlertNote{}
	}
	alerts, err := orgSub(tx, a.OrgID, subAlerts)
	if err != nil {
		return err
	}
	open, err := orgSub(tx, a.OrgID, subAlertOpen)
	if err != nil {
		return err
	}
	due, err := orgSub(tx, a.OrgID, subAlertDue)
	if err != nil {
		return err
	}
	key := openKey(a.AlertRuleID, a.SubjectID())
	switch owner := open.Get(key); {
	case a.Open() && owner == nil:
		if err := open.Put(key, []byte(a.ID)); err != nil {
			return err
		}
	case a.Open() && string(owner) != a.ID:
		return conflictf(entityAlert, "Rule %s already has open alert %s for %s.", a.AlertRuleID, owner, a.SubjectID())
	case !a.Open() && string(owner) == a.ID:
		if err := open.Delete(key); err != nil {
			return err
		}
	}
	if err := indexOpenAlert(tx, old, a); err != nil {
		return err
	}
	newDue := dueTimes(a)
	for _, t := range dueTimes(old) {
		if !slices.ContainsFunc(newDue, t.Equal) {
			if err := due.Delete(alertDueKey(t, a.ID)); err != nil {
				return err
			}
		}
	}
	for _, t := range newDue {
		if err := due.Put(alertDueKey(t, a.ID), nil); err != nil {
			return err
		}
	}
	return putJSON(alerts, []byte(a.ID), a)
}

// indexOpenAlert keeps a's entry in alert_open_ids in line with whether it is open, writing
// only when that changes (old is the stored version, nil for a new alert).
func indexOpenAlert(tx txn, old, a *Alert) error {
	wasOpen := old != nil && old.Open()
	if wasOpen == a.Open() {
		return nil
	}
	ids, err := orgSub(tx, a.OrgID, subAlertOpenIDs)
	if err != nil {
		return err
	}
	if a.Open() {
		return ids.Put([]byte(a.ID), nil)
	}
	return ids.Delete([]byte(a.ID))
}

// getAlert decodes orgs/<orgID>/alerts/<id> into a.
func getAlert(tx txn, orgID, id string, a *Alert) error {
	b, err := orgSub(tx, orgID, subAlerts)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), a, entityAlert)
}

// closeRuleAlerts resolves (as by) the open alerts of rule ruleID, for subjectID only
// unless it is "" (then every subject; for DefaultRuleID only service alerts, since
// heartbeats have their own default), and drops the matching counters. Collect first, then
// write: the open index is changed while walked otherwise. The alert closer
// (Options.Alerts.Closed) is told of every alert closed here, to queue the resolve
// notifications in this transaction.
func (db *DB) closeRuleAlerts(tx txn, orgID, ruleID, subjectID, by string) error {
	open, err := orgSub(tx, orgID, subAlertOpen)
	if err != nil {
		return err
	}
	state, err := orgSub(tx, orgID, subAlertState)
	if err != nil {
		return err
	}
	prefix := openKey(ruleID, subjectID) // "rule/" alone matches every subject
	var ids []string
	c := open.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		ids = append(ids, string(v))
	}
	var stateKeys [][]byte
	c = state.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		stateKeys = append(stateKeys, bytes.Clone(k))
	}
	now := db.stamp()
	var atx *AlertTx
	for _, id := range ids {
		var a Alert
		if err := getAlert(tx, orgID, id, &a); err != nil {
			return fmt.Errorf("store: open alert %s: %w", id, err)
		}
		if ruleID == DefaultRuleID && subjectID == "" && a.HeartbeatID != "" {
			continue
		}
		old := a
		a.Status, a.ResolvedAt, a.ResolvedBy = AlertResolved, &now, by
		a.NextEscalationAt, a.NextReminderAt = nil, nil
		if err := putAlert(tx, &old, &a); err != nil {
			return err
		}
		if atx == nil {
			atx = db.newAlertTx(tx)
			atx.shared = false // this transaction changes rules
		}
		if err := db.alerts.Closed(atx, &a); err != nil {
			return err
		}
	}
	for _, k := range stateKeys {
		if err := state.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// AlertDue names an alert with an escalation or reminder due.
type AlertDue struct {
	OrgID, AlertID string
	Due            time.Time
}

// DueAlerts returns up to limit (default 100) alerts of every organization whose
// escalation or reminder is due at now, the longest-due first; an alert due twice is listed
// once. Only the due prefix of each alert_due bucket is read.
func (db *DB) DueAlerts(now time.Time, limit int) ([]AlertDue, error) {
	if limit <= 0 {
		limit = defaultDueLimit
	}
	bound := unixNanos(now)
	var out []AlertDue
	err := db.forEachDueIndex(func(orgID string, due bucket) error {
		c, n := due.Cursor(), 0
		for k, _ := c.First(); k != nil && n < limit && binary.BigEndian.Uint64(k[:8]) <= bound; k, _ = c.Next() {
			d := AlertDue{OrgID: orgID, AlertID: string(k[8:]), Due: time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))).UTC()}
			if !slices.ContainsFunc(out, func(o AlertDue) bool { return o.OrgID == orgID && o.AlertID == d.AlertID }) {
				out = append(out, d)
				n++
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b AlertDue) int { return a.Due.Compare(b.Due) })
	return out[:min(limit, len(out))], err
}

// NextAlertDue returns the earliest escalation or reminder due time of every organization;
// ok is false when nothing is due at all.
func (db *DB) NextAlertDue() (next time.Time, ok bool, err error) {
	err = db.forEachDueIndex(func(_ string, due bucket) error {
		if k, _ := due.Cursor().First(); k != nil {
			t := time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))).UTC()
			if !ok || t.Before(next) {
				next, ok = t, true
			}
		}
		return nil
	})
	return next, ok, err
}

// forEachDueIndex calls fn with the alert_due bucket of every live organization that has one.
func (db *DB) forEachDueIndex(fn func(orgID string, due bucket) error) error {
	return db.view(func(tx txn) error {
		orgs := tx.Bucket([]byte(bucketOrgs))
		return orgs.ForEachBucket(func(id []byte) error {
			ob := orgs.Bucket(id)
			due := ob.Bucket([]byte(subAlertDue))
			if !due.exists() || ob.Get([]byte(orgInfoKey)) == nil {
				return nil
			}
			return fn(string(id), due)
		})
	})
}
