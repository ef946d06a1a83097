package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Limits of the ping log (SPEC §3.14).
const (
	MaxHeartbeatPings = 100       // pings kept per heartbeat, newest
	MaxPingBodyBytes  = 10 * 1024 // of a ping's body, the first bytes are kept
	maxPingUserAgent  = 512
)

// Ping kinds: a success ping, a run start (/start), an explicit failure (/fail).
const (
	PingSuccess = "ping"
	PingStart   = "start"
	PingFail    = "fail"
)

// Ping is one stored ping of a heartbeat. DurationMS is set on a ping or fail that ended
// a run announced by /start.
type Ping struct {
	Kind       string    `json:"kind"`
	At         time.Time `json:"at"`
	Body       string    `json:"body"`
	SourceIP   string    `json:"source_ip"`
	UserAgent  string    `json:"user_agent"`
	DurationMS *int64    `json:"duration_ms,omitempty"`
}

// PingItem is one ping of a RecordPings batch: the digest of the key it was sent to and
// what is stored of it.
type PingItem struct {
	KeyDigest []byte
	Ping      Ping
}

// RecordPings commits a batch of pings in ONE write transaction (the ping recorder's greedy
// group commit, like RecordResults): it returns after the commit, so the caller may
// acknowledge every item once it returns nil; on an error nothing of the batch was written.
// Per item it looks the key up, stores the ping (body cut to MaxPingBodyBytes), updates the
// heartbeat — a ping makes it healthy, a fail down, a start remembers when the run began;
// ping and fail set LastPingAt, LastDurationMS (from a pending start) and the next deadline
// by next(hb, at); a paused heartbeat keeps its status — and, on a status change, runs the
// heartbeat hooks inside the transaction. Each touched heartbeat keeps its newest
// MaxHeartbeatPings pings. Items whose key is unknown (deleted meanwhile) or whose kind is
// not ping/start/fail are skipped, not errors.
func (db *DB) RecordPings(batch []PingItem, next DeadlineFunc) error {
	if len(batch) == 0 {
		return nil
	}
	if next == nil {
		return errors.New("store: RecordPings needs a DeadlineFunc")
	}
	var skipped, badSchedule int
	err := db.update("", nil, func(tx txn) error {
		w := pingWriter{db: db, tx: tx, next: next, touched: map[string]*pingState{}}
		for i := range batch {
			if err := w.add(&batch[i]); err != nil {
				return err
			}
		}
		skipped, badSchedule = w.skipped, w.badSchedule
		return w.flush()
	})
	if err != nil {
		return err
	}
	if skipped > 0 {
		db.log.Debug("heartbeat pings skipped: key unknown, heartbeat deleted or kind invalid", "count", skipped)
	}
	if badSchedule > 0 {
		db.log.Error("heartbeat pings left the deadline unchanged: schedule not understood", "count", badSchedule)
	}
	return nil
}

// pingState is one heartbeat touched by a batch: as stored (old) and as changed (hb).
type pingState struct {
	hb, old Heartbeat
	prefix  []byte
}

// pingWriter applies one RecordPings batch; heartbeats are written once, at flush.
type pingWriter struct {
	db                   *DB
	tx                   txn
	next                 DeadlineFunc
	touched              map[string]*pingState // by digest
	order                []*pingState
	skipped, badSchedule int
}

// add stores one ping and applies it to its heartbeat.
func (w *pingWriter) add(it *PingItem) error {
	if k := it.Ping.Kind; k != PingSuccess && k != PingStart && k != PingFail {
		w.skipped++ // a caller bug must not fail every other ping of the group
		return nil
	}
	st := w.touched[string(it.KeyDigest)]
	if st == nil {
		st = &pingState{}
		if err := heartbeatByDigest(w.tx, it.KeyDigest, &st.hb); err != nil {
			w.skipped++
			return nil
		}
		st.old = st.hb
		st.prefix, _ = seriesPrefix(st.hb.ID)
		w.touched[string(it.KeyDigest)] = st
		w.order = append(w.order, st)
	}
	hb, p := &st.hb, it.Ping
	p.Body, p.UserAgent = cutUTF8(p.Body, MaxPingBodyBytes), cutUTF8(p.UserAgent, maxPingUserAgent)
	at := p.At.UTC()
	p.At = at
	prev := hb.Status
	switch p.Kind {
	case PingStart:
		hb.StartedAt = &at
	default: // PingSuccess, PingFail
		if hb.StartedAt != nil {
			d := max(at.Sub(*hb.StartedAt).Milliseconds(), 0)
			hb.LastDurationMS, p.DurationMS, hb.StartedAt = &d, &d, nil
		}
		hb.LastPingAt = &at
		if hb.Status != HeartbeatPaused {
			hb.Status = HeartbeatHealthy
			if p.Kind == PingFail {
				hb.Status = HeartbeatDown
			}
			if due, err := w.next(hb, at); err == nil && !due.IsZero() {
				due = due.UTC()
				hb.NextExpectedAt = &due
			} else {
				w.badSchedule++
			}
		}
	}
	if err := w.putPing(st, &p); err != nil {
		return err
	}
	if hb.Status == prev {
		return nil
	}
	// Written before the hooks run, so a hook that reads the heartbeat sees this change.
	hb.UpdatedAt = at
	if err := w.putHeartbeat(st); err != nil {
		return err
	}
	reason := PingSuccess
	if p.Kind == PingFail {
		reason = PingFail
	}
	return w.db.heartbeatTransition(w.tx, hb, prev, at, reason)
}

// cutUTF8 returns s cut to at most n bytes, not inside a UTF-8 sequence (a cut one would be
// stored as U+FFFD, longer than the limit).
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// putPing appends p to the heartbeat's ping log.
func (w *pingWriter) putPing(st *pingState, p *Ping) error {
	b, err := orgSub(w.tx, st.hb.OrgID, subHeartbeatPings)
	if err != nil {
		return err
	}
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return err
	}
	key := make([]byte, 0, 32)
	key = append(append(append(key, st.prefix...), be64(unixNanos(p.At))...), be64(seq)...)
	st.hb.PingsKept++
	return b.Put(key, raw)
}

// putHeartbeat writes st.hb (moving its due entry) and makes it the stored version.
func (w *pingWriter) putHeartbeat(st *pingState) error {
	b, err := orgSub(w.tx, st.hb.OrgID, subHeartbeats)
	if err != nil {
		return err
	}
	if err := putHeartbeat(w.tx, b, &st.hb, &st.old); err != nil {
		return err
	}
	st.old = st.hb
	return nil
}

// flush trims each touched heartbeat's log to MaxHeartbeatPings (≤ maxDeleteChunk deletes
// in all; a rare overshoot is trimmed by a later batch) and writes the heartbeats.
func (w *pingWriter) flush() error {
	budget := maxDeleteChunk
	for _, st := range w.order {
		if extra := st.hb.PingsKept - MaxHeartbeatPings; extra > 0 && budget > 0 {
			n := min(extra, budget)
			if err := deletePings(w.tx, &st.hb, n); err != nil {
				return err
			}
			budget -= n
		}
		if err := w.putHeartbeat(st); err != nil {
			return err
		}
	}
	return nil
}

// deletePings deletes up to n of hb's oldest pings (collect, then delete) and lowers
// hb.PingsKept by the number deleted.
func deletePings(tx txn, hb *Heartbeat, n int) error {
	prefix, ok := seriesPrefix(hb.ID)
	b := tx.Bucket([]byte(bucketOrgs)).Bucket([]byte(hb.OrgID)).Bucket([]byte(subHeartbeatPings))
	if !ok || !b.exists() {
		return nil
	}
	var doomed [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(doomed) < n; k, _ = c.Next() {
		doomed = append(doomed, bytes.Clone(k))
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	hb.PingsKept = max(hb.PingsKept-len(doomed), 0)
	return nil
}

// HeartbeatPings returns the heartbeat's kept pings, newest first; ErrNotFound for another
// organization's heartbeat.
func (db *DB) HeartbeatPings(orgID, id string) ([]Ping, error) {
	out := make([]Ping, 0)
	err := db.view(func(tx txn) error {
		var hb Heartbeat
		if err := getHeartbeat(tx, orgID, id, &hb); err != nil {
			return err
		}
		b, _ := orgSub(tx, orgID, subHeartbeatPings)
		prefix, ok := seriesPrefix(id)
		if !b.exists() || !ok {
			return nil
		}
		c := b.Cursor()
		k, v := c.Seek(nextPrefix(prefix))
		if k == nil {
			k, v = c.Last()
		} else {
			k, v = c.Prev()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < MaxHeartbeatPings; k, v = c.Prev() {
			var p Ping
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("store: decode ping: %w", err)
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}
