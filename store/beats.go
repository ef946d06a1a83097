package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// MaxBeats is the most beats Beats and PingBeats return per service or heartbeat: the
// newest checks a beat bar draws (SPEC §7).
const MaxBeats = 100

// Beats returns the newest n results (1 ≤ n ≤ MaxBeats) of each of the organization's
// services in ids, oldest first per service — the beat bars of a dashboard page, read in one
// transaction. Each service's own series is read from its head backwards, so a service costs
// one or two raw blocks however long its history; for a service checked from several
// locations that series holds the quorum's verdicts, what its status was. IDs that are not
// services of the organization (unknown, deleted, another organization's) are left out of
// the map rather than failing the whole batch; ErrNotFound only for an unknown organization.
func (db *DB) Beats(orgID string, ids []string, n int) (map[string][]CheckResult, error) {
	n = clampBeats(n)
	out := make(map[string][]CheckResult, len(ids))
	err := db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		services := ob.Bucket([]byte(subServices))
		for _, id := range ids {
			if _, seen := out[id]; seen || !services.exists() || services.Get([]byte(id)) == nil {
				continue
			}
			beats := make([]CheckResult, 0, n)
			if prefix, ok := seriesPrefix(id); ok {
				if beats, err = scanChecks(ob, prefix, id, "", 0, math.MaxInt64, n, beats); err != nil {
					return err
				}
			}
			slices.Reverse(beats)
			out[id] = beats
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PingBeat is one ping of a heartbeat as a beat bar draws it: its kind (PingSuccess,
// PingStart, PingFail), time, run duration and the start of its body (the message a
// failing job sent).
type PingBeat struct {
	Kind       string
	At         time.Time
	DurationMS *int64
	Message    string
}

// maxBeatMessage bounds the part of a ping's body a beat carries: a tooltip line, not
// the 10 KB the ping log keeps.
const maxBeatMessage = 200

// PingBeats is Beats for heartbeats: the newest n pings (1 ≤ n ≤ MaxBeats) of each of the
// organization's heartbeats in ids, oldest first; ids that are not heartbeats of the
// organization are left out. The ping log is keyed by heartbeat then time, so each
// heartbeat is one short backwards cursor walk.
func (db *DB) PingBeats(orgID string, ids []string, n int) (map[string][]PingBeat, error) {
	n = clampBeats(n)
	out := make(map[string][]PingBeat, len(ids))
	err := db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		heartbeats, pings := ob.Bucket([]byte(subHeartbeats)), ob.Bucket([]byte(subHeartbeatPings))
		for _, id := range ids {
			if _, seen := out[id]; seen || !heartbeats.exists() || heartbeats.Get([]byte(id)) == nil {
				continue
			}
			beats := make([]PingBeat, 0, n)
			if prefix, ok := seriesPrefix(id); ok && pings.exists() {
				if beats, err = newestPings(pings, prefix, n, beats); err != nil {
					return err
				}
			}
			slices.Reverse(beats)
			out[id] = beats
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// newestPings appends to out the newest n pings under prefix, newest first.
func newestPings(b bucket, prefix []byte, n int, out []PingBeat) ([]PingBeat, error) {
	c := b.Cursor()
	k, v := c.Seek(nextPrefix(prefix))
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, v = c.Prev() {
		var p Ping
		if err := json.Unmarshal(v, &p); err != nil {
			return out, fmt.Errorf("store: decode ping: %w", err)
		}
		out = append(out, PingBeat{Kind: p.Kind, At: p.At, DurationMS: p.DurationMS, Message: clipRunes(p.Body, maxBeatMessage)})
	}
	return out, nil
}

// clipRunes cuts s to at most n runes.
func clipRunes(s string, n int) string {
	i := 0
	for at := range s {
		if i == n {
			return s[:at]
		}
		i++
	}
	return s
}

func clampBeats(n int) int {
	return min(max(n, 1), MaxBeats)
}
