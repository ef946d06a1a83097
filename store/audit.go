package store

import (
	"bytes"
	"strings"
	"time"
)

// AuditEntry is one audit-log event (SPEC §3.17); Event is "<resource>.<action>".
type AuditEntry struct {
	ID        string         `json:"id"`
	Timestamp time.Time      `json:"timestamp"`
	Event     string         `json:"event"`
	Actor     AuditActor     `json:"actor"`
	Resource  AuditResource  `json:"resource"`
	Metadata  map[string]any `json:"metadata,omitempty"`
}

// AuditActor is who did it: Type is "user", "api_key" or "system".
type AuditActor struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Email string `json:"email"`
	IP    string `json:"ip"`
}

// AuditResource is what it was done to.
type AuditResource struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AuditFilter selects audit entries. Zero fields do not filter. Since and Until are
// inclusive; Event and ResourceType compare case-insensitively. Limit defaults to 100 and is
// capped at 1000. Cursor is the nextCursor of the previous page.
type AuditFilter struct {
	Since, Until time.Time
	ActorID      string
	Event        string
	ResourceType string
	Limit        int
	Cursor       string
}

// AuditRetention is how long audit entries are kept by default (SPEC §3.17): the window
// of a plan this version does not know (PlanAuditRetention).
const AuditRetention = 90 * 24 * time.Hour

// Page sizes for AuditLogs (SPEC §2: lists default to 100, at most 1000).
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
	auditKeyLen       = 16
)

// AppendAudit records an event in a transaction of its own: for an entry that is the whole
// change (a login, a check run now, an import's summary). An entry that describes a change
// rides in that change's transaction instead (Change). Empty ID and Timestamp are filled.
func (db *DB) AppendAudit(orgID string, e *AuditEntry) error {
	return db.update(orgID, &Change{Audit: []*AuditEntry{e}}, func(txn) error { return nil })
}

// appendAudit writes e to orgID's audit log inside tx. Empty ID and Timestamp are filled.
// The key is be64(unix nanos) + be64(bucket sequence), so entries sort by time and entries
// with equal timestamps keep their insertion order.
func (db *DB) appendAudit(tx txn, orgID string, e *AuditEntry) error {
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.Timestamp.IsZero() {
		e.Timestamp = db.stamp()
	}
	e.Timestamp = e.Timestamp.UTC()
	if db.beforeAudit != nil {
		if err := db.beforeAudit(orgID, e); err != nil {
			return err
		}
	}
	b, err := orgSub(tx, orgID, subAudit)
	if err != nil {
		return err
	}
	b.SetFillPercent(appendFillRatio) // append-only: pack pages instead of splitting in half
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	key := auditKey(e.Timestamp, seq)
	if err := putJSON(b, key, e); err != nil {
		return err
	}
	return indexAuditSeq(tx, orgID, seq, key)
}

// AuditLogs returns the organization's audit entries newest first, filtered by f, at most
// f.Limit of them. nextCursor is non-empty when the page is full: it is the hex of the last
// key returned, and passing it back as f.Cursor continues strictly after that entry (stable
// even while new entries are appended). A cursor this store did not produce gives
// ErrInvalidCursor.
func (db *DB) AuditLogs(orgID string, f AuditFilter) (entries []AuditEntry, nextCursor string, err error) {
	lc := listCursor{"audit", orgID}
	upper, err := auditUpperBound(lc, f)
	if err != nil {
		return nil, "", err
	}
	p := logPage{cursor: lc, upper: upper, limit: pageLimit(f.Limit), keyLen: auditKeyLen, describe: "audit entry"}
	if !f.Since.IsZero() {
		p.since = unixNanos(f.Since)
	}
	err = db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subAudit)
		if err != nil {
			return err
		}
		entries, nextCursor, err = readLogPage(b, p, f.matches)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return entries, nextCursor, nil
}

// auditUpperBound turns Cursor and Until into one exclusive upper bound key (the lower of
// the two), or nil for "from the newest entry".
func auditUpperBound(lc listCursor, f AuditFilter) ([]byte, error) {
	upper, err := lc.decode(f.Cursor)
	if err != nil {
		return nil, err
	}
	if !f.Until.IsZero() {
		// Until is inclusive: the bound is the first key of the next nanosecond.
		untilKey := append(be64(unixNanos(f.Until)+1), be64(0)...)
		if upper == nil || bytes.Compare(untilKey, upper) < 0 {
			upper = untilKey
		}
	}
	return upper, nil
}

// matches applies the non-time filters.
func (f *AuditFilter) matches(e *AuditEntry) bool {
	return (f.ActorID == "" || e.Actor.ID == f.ActorID) &&
		(f.Event == "" || strings.EqualFold(e.Event, f.Event)) &&
		(f.ResourceType == "" || strings.EqualFold(e.Resource.Type, f.ResourceType))
}

// PruneAudit deletes the organization's audit entries older than before (its retention
// window, AuditRetentionWindow), at most 1000 per write transaction, and returns how many
// it deleted. An entry an enabled stream has not yet delivered is kept (pruneHold): the
// stream's "none lost" wins over retention until the receiver takes it.
func (db *DB) PruneAudit(orgID string, before time.Time) (int, error) {
	bound := append(be64(unixNanos(before)), be64(0)...)
	var from []byte // where the next chunk starts: after the last key looked at
	total := 0
	for {
		n, more := 0, false
		err := db.update(orgID, nil, func(tx txn) error {
			b, err := orgSub(tx, orgID, subAudit)
			if err != nil {
				return err
			}
			hold, err := pruneHold(tx, orgID)
			if err != nil {
				return err
			}
			idx, err := orgSub(tx, orgID, subAuditSeq)
			if err != nil {
				return err
			}
			var doomed [][]byte
			c := b.Cursor()
			k, _ := c.First()
			if from != nil {
				k, _ = c.Seek(from)
			}
			for ; k != nil && bytes.Compare(k, bound) < 0; k, _ = c.Next() {
				if len(doomed) == maxDeleteChunk {
					more = true
					break
				}
				from = keyAfter(k)
				if auditSeqOf(k) <= hold {
					doomed = append(doomed, bytes.Clone(k))
				}
			}
			for _, k := range doomed {
				if err := b.Delete(k); err != nil {
					return err
				}
				if err := idx.Delete(k[8:]); err != nil {
					return err
				}
			}
			n = len(doomed)
			return nil
		})
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}
