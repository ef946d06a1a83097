package store

import (
	"bytes"
	"encoding/binary"
	"math"
)

// subAuditSeq is orgs/<org>/audit_seq, the audit log in commit order: be64(sequence) →
// the entry's key in the audit bucket. The audit bucket is ordered by timestamp, which an
// entry takes when its change is prepared, so a transaction that commits later may carry
// an earlier time; the sequence (NextSequence of the audit bucket, inside the serialised
// write transaction) is the commit order. Streaming (audit_streams.go) reads this index
// past a cursor, so an entry committed "in the past" is still found after the cursor.
// Created on the first audit entry written by a version that has it; older entries are
// simply not in it (a stream starts at its creation, never before).
const subAuditSeq = "audit_seq"

// auditSeqOf returns the sequence number stored in the last 8 bytes of an audit key.
func auditSeqOf(key []byte) uint64 {
	if len(key) != auditKeyLen {
		return 0
	}
	return binary.BigEndian.Uint64(key[8:])
}

// indexAuditSeq records the audit entry at key under its sequence number seq.
func indexAuditSeq(tx txn, orgID string, seq uint64, key []byte) error {
	idx, err := orgSub(tx, orgID, subAuditSeq)
	if err != nil {
		return err
	}
	idx.SetFillPercent(appendFillRatio) // append-only
	return idx.Put(be64(seq), key)
}

// SequencedAuditEntry is an audit entry with its place in the commit order.
type SequencedAuditEntry struct {
	Seq   uint64
	Entry AuditEntry
}

// AuditAfter returns up to limit of orgID's audit entries committed after sequence number
// after, in commit order, and stops early once their encoded size passes maxBytes (at
// least one entry is returned). last is the sequence of the last entry returned (after
// when there is none). An index row whose entry has gone is passed over, and last moves
// beyond it, so a stream never stalls on it.
func (db *DB) AuditAfter(orgID string, after uint64, limit, maxBytes int) (entries []SequencedAuditEntry, last uint64, err error) {
	last = after
	if after == math.MaxUint64 {
		return nil, last, nil
	}
	err = db.view(func(tx txn) error {
		idx, err := orgSub(tx, orgID, subAuditSeq)
		if err != nil || !idx.exists() {
			return err
		}
		audit, err := orgSub(tx, orgID, subAudit)
		if err != nil {
			return err
		}
		size := 0
		c := idx.Cursor()
		for k, v := c.Seek(be64(after + 1)); k != nil && len(entries) < limit; k, v = c.Next() {
			seq := binary.BigEndian.Uint64(k)
			raw := audit.Get(v)
			if raw == nil {
				last = seq
				continue
			}
			if len(entries) > 0 && size+len(raw) > maxBytes {
				break
			}
			var e AuditEntry
			if err := getJSON(audit, v, &e, "Audit entry"); err != nil {
				return err
			}
			size += len(raw)
			entries = append(entries, SequencedAuditEntry{Seq: seq, Entry: e})
			last = seq
		}
		return nil
	})
	return entries, last, err
}

// auditHead is the sequence number of orgID's latest audit entry (0: none yet), read in tx.
func auditHead(tx txn, orgID string) (uint64, error) {
	b, err := orgSub(tx, orgID, subAudit)
	if err != nil || !b.exists() {
		return 0, err
	}
	return b.Sequence(), nil
}

// oldestAfter returns the timestamp key of the first audit entry committed after seq, or
// nil when there is none.
func oldestAfter(tx txn, orgID string, seq uint64) []byte {
	org, err := orgBucket(tx, orgID)
	if err != nil {
		return nil
	}
	idx := org.Bucket([]byte(subAuditSeq))
	if !idx.exists() || seq == math.MaxUint64 {
		return nil
	}
	k, v := idx.Cursor().Seek(be64(seq + 1))
	if k == nil {
		return nil
	}
	return bytes.Clone(v)
}
