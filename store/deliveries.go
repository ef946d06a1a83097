package store

import (
	"bytes"
	"encoding/binary"
	"time"
	"unicode/utf8"
)

// DeliveryLog is one delivery attempt of an outbox entry (SPEC §3.11: timestamp, event,
// channel, attempt, HTTP status, the first 500 characters of the answer).
type DeliveryLog struct {
	ID         string    `json:"id"`
	EntryID    string    `json:"entry_id"` // the outbox entry (and notification) it belongs to
	OrgID      string    `json:"org_id"`
	Kind       string    `json:"kind"`
	TargetID   string    `json:"target_id"`
	Event      string    `json:"event"`
	AlertID    string    `json:"alert_id,omitempty"` // the alert the notification is about, if any
	Attempt    int       `json:"attempt"`            // 1 for the first attempt
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code"`     // HTTP status, 0 for none
	Response   string    `json:"response"`        // first MaxDeliveryResponse characters
	Error      string    `json:"error,omitempty"` // empty on success
	Outcome    string    `json:"outcome"`         // DeliveryDelivered, DeliveryRetry, DeliveryDead, DeliveryPermanent
}

// Outcomes of a delivery attempt.
const (
	DeliveryDelivered = "delivered" // accepted by the destination; the entry is gone
	DeliveryRetry     = "retry"     // failed; the entry is rescheduled
	DeliveryDead      = "dead"      // failed and out of attempts; dead-lettered
	DeliveryPermanent = "permanent" // refused for good (401/403/404, bad config); dead-lettered
)

// DeliveryRetention is how long delivery logs are kept; the Janitor prunes older ones.
const DeliveryRetention = 30 * 24 * time.Hour

// MaxDeliveryResponse is how many characters of a destination's answer are logged.
const MaxDeliveryResponse = 500

// deliveryKeyLen is be64(unix nanos) + be64(seq), like the audit log's keys.
const deliveryKeyLen = 16

// DeliveryFilter selects delivery logs. Zero fields do not filter. Limit defaults to 100
// and is capped at 1000; Cursor is the nextCursor of the previous page.
type DeliveryFilter struct {
	Kind     string
	TargetID string
	Event    string
	EntryID  string
	AlertID  string
	// Since stops the scan at entries older than it (the log is time-ordered): an alert's
	// deliveries are never older than the alert.
	Since  time.Time
	Limit  int
	Cursor string
}

// appendDelivery adds log for entry e inside a write transaction; identity fields come
// from e, an empty ID and At are filled, Response and Error are clamped.
func (db *DB) appendDelivery(tx txn, e *OutboxEntry, log DeliveryLog) error {
	if log.ID == "" {
		log.ID = NewID()
	}
	if log.At.IsZero() {
		log.At = db.stamp()
	}
	log.At = log.At.UTC()
	log.EntryID, log.OrgID, log.Kind, log.TargetID, log.Event, log.AlertID = e.ID, e.OrgID, e.Kind, e.TargetID, e.Event, e.AlertID
	log.Response = firstChars(log.Response, MaxDeliveryResponse)
	log.Error = clampText(log.Error, maxOutboxErrorLen)
	b, err := orgSub(tx, e.OrgID, subDeliveries)
	if err != nil {
		return err
	}
	b.SetFillPercent(appendFillRatio) // append-only: pack pages instead of splitting in half
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	return putJSON(b, auditKey(log.At, seq), &log)
}

// Deliveries returns the organization's delivery logs newest first, filtered by f, at most
// f.Limit of them. nextCursor is non-empty when the page is full; passing it back as
// f.Cursor continues strictly after the last entry returned. A foreign cursor gives
// ErrInvalidCursor.
func (db *DB) Deliveries(orgID string, f DeliveryFilter) (logs []DeliveryLog, nextCursor string, err error) {
	lc := listCursor{"deliveries", orgID + "/" + f.Kind + "/" + f.TargetID}
	upper, err := lc.decode(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	p := logPage{cursor: lc, upper: upper, limit: pageLimit(f.Limit), describe: "delivery log"}
	if !f.Since.IsZero() {
		p.since = uint64(f.Since.UnixNano())
	}
	err = db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subDeliveries)
		if err != nil {
			return err
		}
		logs, nextCursor, err = readLogPage(b, p, f.matches)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return logs, nextCursor, nil
}

// matches applies the filter's fields.
func (f *DeliveryFilter) matches(l *DeliveryLog) bool {
	return (f.Kind == "" || l.Kind == f.Kind) && (f.TargetID == "" || l.TargetID == f.TargetID) &&
		(f.Event == "" || l.Event == f.Event) && (f.EntryID == "" || l.EntryID == f.EntryID) &&
		(f.AlertID == "" || l.AlertID == f.AlertID)
}

// PruneDeliveries deletes the organization's delivery logs older than before, at most 1000
// per write transaction, and returns how many it deleted.
func (db *DB) PruneDeliveries(orgID string, before time.Time) (int, error) {
	bound := unixNanos(before)
	return db.deleteInChunks(orgID, subDeliveries, func(b bucket, _ seriesOwners, _ []byte) ([][]byte, []byte) {
		var doomed [][]byte
		c := b.Cursor()
		for k, _ := c.First(); k != nil && len(doomed) < maxDeleteChunk; k, _ = c.Next() {
			if len(k) != deliveryKeyLen || binary.BigEndian.Uint64(k[:8]) >= bound {
				break
			}
			doomed = append(doomed, bytes.Clone(k))
		}
		if len(doomed) < maxDeleteChunk {
			return doomed, nil
		}
		return doomed, []byte{} // a full chunk: there may be more, start again from the front
	})
}

// firstChars returns the first n characters (runes) of s.
func firstChars(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// clampText cuts s to at most n bytes without splitting a UTF-8 sequence.
func clampText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
