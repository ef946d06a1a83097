package store

import (
	"bytes"
	"encoding/binary"
	"math"
	"time"
)

// subAuditStreams is orgs/<org>/audit_streams: streamID → AuditStream JSON, created on the
// first write.
const subAuditStreams = "audit_streams"

// entityAuditStream names the record in errors.
const entityAuditStream = "Audit stream"

// MaxAuditStreams caps an organization's streaming destinations: each one is a delivery
// loop of the sender and a hold on the audit log's pruning.
const MaxAuditStreams = 10

// AuditStream is a destination every audit entry of its organization is delivered to, in
// commit order (docs: audit logs → streaming). The URL and the credentials are sealed by
// the API before they reach the store, bound to the organization and the records
// "audit_stream:<id>:url" and "audit_stream:<id>:<field>"; DisplayURL is the URL as the
// API shows it.
type AuditStream struct {
	ID      string `json:"id"`
	OrgID   string `json:"org_id"`
	Name    string `json:"name"`
	Type    string `json:"type"`
	Enabled bool   `json:"enabled"`
	// Settings are the type's settings that are not secret (index, site, source, ...).
	Settings   map[string]string `json:"settings,omitempty"`
	DisplayURL string            `json:"display_url"`
	SealedURL  []byte            `json:"sealed_url"`
	// Secrets are the sealed credentials by field name (token, api_key, password, secret);
	// a value may be a {{secrets.NAME}} reference, resolved only when sending.
	Secrets   map[string][]byte `json:"secrets,omitempty"`
	State     AuditStreamState  `json:"state"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// AuditStreamState is where a stream's delivery stands. Only the sender changes it
// (AdvanceAuditStream, FailAuditStream); edits of the stream keep it.
type AuditStreamState struct {
	// Cursor is the sequence number (audit_seq.go) of the last entry the receiver
	// accepted; everything after it is still to be delivered, in order.
	Cursor        uint64     `json:"cursor"`
	Delivered     uint64     `json:"delivered"` // entries delivered in the stream's life
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	LastError     string     `json:"last_error,omitempty"` // "" after a success
	LastStatus    int        `json:"last_status,omitempty"`
	// Failures counts the attempts failed since the last success (the backoff's exponent).
	Failures      int       `json:"failures,omitempty"`
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
}

// AuditBacklog is what a stream has still to deliver.
type AuditBacklog struct {
	Entries uint64     // entries committed after the cursor
	Oldest  *time.Time // the oldest of them; nil when there are none
}

// CreateAuditStream stores a new stream in orgID (at most MaxAuditStreams). A given ID is
// kept (the API seals under it before calling). The stream starts after the entries
// already logged: its cursor is the log's latest sequence, so the first entry it delivers
// is the one recording its own creation (change), committed in the same transaction.
func (db *DB) CreateAuditStream(orgID string, s *AuditStream, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subAuditStreams)
		if err != nil {
			return err
		}
		if b.Stats().KeyN >= MaxAuditStreams {
			return planLimitf(entityAuditStream, "An organization can have at most %d audit streams.", MaxAuditStreams)
		}
		if s.ID == "" {
			s.ID = NewID()
		}
		if b.Get([]byte(s.ID)) != nil {
			return conflictf(entityAuditStream, "An audit stream with ID %s already exists.", s.ID)
		}
		head, err := auditHead(tx, orgID)
		if err != nil {
			return err
		}
		now := db.stamp()
		s.OrgID, s.CreatedAt, s.UpdatedAt = orgID, now, now
		s.State = AuditStreamState{Cursor: head}
		return putJSON(b, []byte(s.ID), s)
	})
}

// AuditStream returns stream id of orgID, or ErrNotFound (also for another
// organization's).
func (db *DB) AuditStream(orgID, id string) (*AuditStream, error) {
	var s AuditStream
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subAuditStreams)
		if err != nil {
			return err
		}
		return getJSON(b, []byte(id), &s, entityAuditStream)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// AuditStreams returns every stream of orgID in creation order; never nil.
func (db *DB) AuditStreams(orgID string) ([]AuditStream, error) {
	var out []AuditStream
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subAuditStreams)
		if err != nil {
			return err
		}
		out, err = listJSON[AuditStream](b)
		return err
	})
	return out, err
}

// ListAuditStreams pages through orgID's streams in ID order.
func (db *DB) ListAuditStreams(orgID string, q ListQuery, keep func(*AuditStream) bool) ([]AuditStream, string, error) {
	return listOrgBucket(db, orgID, subAuditStreams, q, keep)
}

// UpdateAuditStream lets fn change stream id of orgID in one write transaction. ID,
// OrgID, CreatedAt and the delivery state cannot be changed by fn, except that the next
// attempt is made due at once: a corrected setting is tried now, not after the backoff.
func (db *DB) UpdateAuditStream(orgID, id string, fn func(*AuditStream) error, change *Change) (*AuditStream, error) {
	var s AuditStream
	err := db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subAuditStreams)
		if err != nil {
			return err
		}
		if err := getJSON(b, []byte(id), &s, entityAuditStream); err != nil {
			return err
		}
		before := s
		if err := fn(&s); err != nil {
			return err
		}
		s.ID, s.OrgID, s.CreatedAt, s.State, s.UpdatedAt = id, orgID, before.CreatedAt, before.State, db.stamp()
		s.State.NextAttemptAt = time.Time{}
		return putJSON(b, []byte(id), &s)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteAuditStream removes stream id of orgID (and with it its hold on pruning).
func (db *DB) DeleteAuditStream(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subAuditStreams)
		if err != nil {
			return err
		}
		if b.Get([]byte(id)) == nil {
			return notFoundf(entityAuditStream, "audit stream %s", id)
		}
		return b.Delete([]byte(id))
	})
}

// AuditStreamBacklog says what a stream at cursor has still to deliver in orgID.
func (db *DB) AuditStreamBacklog(orgID string, cursor uint64) (AuditBacklog, error) {
	var out AuditBacklog
	err := db.view(func(tx txn) error {
		head, err := auditHead(tx, orgID)
		if err != nil || head <= cursor {
			return err
		}
		out.Entries = head - cursor
		if k := oldestAfter(tx, orgID, cursor); len(k) == auditKeyLen {
			t := time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))).UTC()
			out.Oldest = &t
		}
		return nil
	})
	return out, err
}

// pruneHold is the highest audit sequence number orgID's log may prune: the lowest cursor
// of its enabled streams (an entry a stream has not delivered stays), or MaxUint64 when
// no enabled stream holds anything back. A disabled stream holds nothing: it resumes
// after what retention left.
func pruneHold(tx txn, orgID string) (uint64, error) {
	hold := uint64(math.MaxUint64)
	org, err := orgBucket(tx, orgID)
	if err != nil {
		return 0, err
	}
	b := org.Bucket([]byte(subAuditStreams))
	if !b.exists() {
		return hold, nil
	}
	streams, err := listJSON[AuditStream](b)
	if err != nil {
		return 0, err
	}
	for _, s := range streams {
		if s.Enabled && s.State.Cursor < hold {
			hold = s.State.Cursor
		}
	}
	return hold, nil
}

// keyAfter is the smallest key greater than k.
func keyAfter(k []byte) []byte {
	return append(bytes.Clone(k), 0)
}
