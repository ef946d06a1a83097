package store

import (
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"
)

// everyDeadline is a DeadlineFunc for "every <duration>" schedules (package alerting owns
// the real parser; the store only needs some deadline).
func everyDeadline(hb *Heartbeat, after time.Time) (time.Time, error) {
	d, err := time.ParseDuration(strings.TrimPrefix(hb.Schedule, "every "))
	if err != nil {
		return time.Time{}, err
	}
	return after.Add(d), nil
}

func keyDigest(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// mustHeartbeat creates a healthy heartbeat "every 1h", grace 5 min, deadline created+1h.
func mustHeartbeat(t testing.TB, db *DB, orgID, key string) *Heartbeat {
	t.Helper()
	now := db.stamp()
	next := now.Add(time.Hour)
	hb := &Heartbeat{Name: key, Schedule: "every 1h", Timezone: "UTC", GracePeriodSeconds: 300,
		UniqueKey: key, KeyDigest: keyDigest(key), NextExpectedAt: &next, CreatedAt: now}
	if err := db.CreateHeartbeat(orgID, hb, nil); err != nil {
		t.Fatalf("CreateHeartbeat(%s): %v", key, err)
	}
	return hb
}

// recordHooks makes db's heartbeat evaluator record every transition with its
// transaction ID.
func recordHooks(db *DB) *[]hookCall {
	var calls []hookCall
	db.alerts.Heartbeat = func(atx *AlertTx, ev *HeartbeatTransition) error {
		if !atx.tx.Writable() {
			return errors.New("hook outside a write transaction")
		}
		calls = append(calls, hookCall{txID: atx.tx.ID(), ev: *ev})
		return nil
	}
	return &calls
}

type hookCall struct {
	txID int
	ev   HeartbeatTransition
}

func ping(key, kind string, at time.Time) PingItem {
	return PingItem{KeyDigest: keyDigest(key), Ping: Ping{Kind: kind, At: at, Body: "ok", SourceIP: "192.0.2.1", UserAgent: "curl"}}
}

func TestHeartbeatCRUDAndIsolation(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	_, b, _ := mustRegister(t, db, "b@example.com", "B")
	hb := mustHeartbeat(t, db, a.ID, "backup-0011aabb")

	if hb.Status != HeartbeatHealthy || hb.OrgID != a.ID {
		t.Fatalf("created %+v", hb)
	}
	if _, err := db.Heartbeat(b.ID, hb.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other org read: %v, want ErrNotFound", err)
	}
	if _, err := db.UpdateHeartbeat(b.ID, hb.ID, func(*Heartbeat) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other org update: %v", err)
	}
	if err := db.DeleteHeartbeat(b.ID, hb.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other org delete: %v", err)
	}
	if _, err := db.HeartbeatPings(b.ID, hb.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other org pings: %v", err)
	}
	if list, _ := db.Heartbeats(b.ID); len(list) != 0 {
		t.Fatalf("other org lists %d heartbeats", len(list))
	}
	dup := &Heartbeat{Name: "dup", KeyDigest: keyDigest("backup-0011aabb")}
	if err := db.CreateHeartbeat(b.ID, dup, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate key: %v, want ErrConflict", err)
	}
	got, err := db.HeartbeatByKey(keyDigest("backup-0011aabb"))
	if err != nil || got.ID != hb.ID {
		t.Fatalf("by key: %v %+v", err, got)
	}
	up, err := db.UpdateHeartbeat(a.ID, hb.ID, func(h *Heartbeat) error {
		h.Name, h.ID, h.UniqueKey = "renamed", "x", "stolen"
		return nil
	}, nil)
	if err != nil || up.Name != "renamed" || up.ID != hb.ID || up.UniqueKey != hb.UniqueKey {
		t.Fatalf("update: %v %+v", err, up)
	}
	if list, _ := db.Heartbeats(a.ID); len(list) != 1 || list[0].Name != "renamed" {
		t.Fatalf("list: %+v", list)
	}
}

func TestHeartbeatDeleteCleansPingsAndIndexes(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	hb := mustHeartbeat(t, db, a.ID, "job-1")
	keep := mustHeartbeat(t, db, a.ID, "job-2")
	at := db.stamp()
	if err := db.RecordPings([]PingItem{ping("job-1", PingSuccess, at), ping("job-2", PingSuccess, at)}, everyDeadline); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteHeartbeat(a.ID, hb.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.HeartbeatByKey(keyDigest("job-1")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("key index survives delete: %v", err)
	}
	if n := bucketLen(t, db, subHeartbeatPings, a.ID); n != 1 {
		t.Fatalf("%d pings left, want the other heartbeat's 1", n)
	}
	due, _ := db.DueHeartbeats(at.Add(48*time.Hour), 10)
	if len(due) != 1 || due[0].ID != keep.ID {
		t.Fatalf("due index after delete: %+v", due)
	}

	if err := db.DeleteOrganization(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.HeartbeatByKey(keyDigest("job-2")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("key index survives org delete: %v", err)
	}
	for _, name := range []string{bucketIdxHeartbeatKey, bucketIdxHeartbeatDue} {
		if n := bucketLen(t, db, name, ""); n != 0 {
			t.Fatalf("%s keeps %d entries after org delete", name, n)
		}
	}
}

// bucketLen counts the keys of a global bucket (orgID "") or of an organization child.
func bucketLen(t *testing.T, db *DB, name, orgID string) int {
	t.Helper()
	n := 0
	err := db.view(func(tx txn) error {
		b := tx.Bucket([]byte(name))
		if orgID != "" {
			b, _ = orgSub(tx, orgID, name)
		}
		if b.exists() {
			n = b.Stats().KeyN
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestHeartbeatPingsTrimmedNewestFirst(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	hb := mustHeartbeat(t, db, a.ID, "nightly")
	start := db.stamp()
	for round := range 3 {
		var batch []PingItem
		for i := range 50 {
			batch = append(batch, ping("nightly", PingSuccess, start.Add(time.Duration(round*50+i)*time.Second)))
		}
		if err := db.RecordPings(batch, everyDeadline); err != nil {
			t.Fatal(err)
		}
	}
	pings, err := db.HeartbeatPings(a.ID, hb.ID)
	if err != nil || len(pings) != MaxHeartbeatPings {
		t.Fatalf("%d pings (%v), want %d", len(pings), err, MaxHeartbeatPings)
	}
	if !pings[0].At.Equal(start.Add(149*time.Second)) || !pings[99].At.Equal(start.Add(50*time.Second)) {
		t.Fatalf("order: first %v last %v", pings[0].At, pings[99].At)
	}
	if n := bucketLen(t, db, subHeartbeatPings, a.ID); n != MaxHeartbeatPings {
		t.Fatalf("%d rows stored, want %d", n, MaxHeartbeatPings)
	}
	got, _ := db.Heartbeat(a.ID, hb.ID)
	if got.PingsKept != MaxHeartbeatPings || !got.LastPingAt.Equal(start.Add(149*time.Second)) ||
		!got.NextExpectedAt.Equal(start.Add(149*time.Second+time.Hour)) {
		t.Fatalf("after pings: kept %d last %v next %v", got.PingsKept, got.LastPingAt, got.NextExpectedAt)
	}
}

func TestRecordPingsBodyCutAndDuration(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "a@example.com", "A")
	hb := mustHeartbeat(t, db, a.ID, "etl")
	t0 := db.stamp()
	long := ping("etl", PingSuccess, t0.Add(90*time.Second))
	long.Ping.Body = strings.Repeat("x", MaxPingBodyBytes+500)
	err := db.RecordPings([]PingItem{ping("etl", PingStart, t0), long, ping("unknown", PingSuccess, t0), ping("etl", "bogus", t0)}, everyDeadline)
	if err != nil {
		t.Fatal(err)
	}
	pings, _ := db.HeartbeatPings(a.ID, hb.ID)
	if len(pings) != 2 || len(pings[0].Body) != MaxPingBodyBytes || pings[1].Kind != PingStart {
		t.Fatalf("pings %d, body %d", len(pings), len(pings[0].Body))
	}
	got, _ := db.Heartbeat(a.ID, hb.ID)
	if got.LastDurationMS == nil || *got.LastDurationMS != 90_000 || got.StartedAt != nil {
		t.Fatalf("duration %v started %v", got.LastDurationMS, got.StartedAt)
	}
}

func TestCutUTF8(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{{"abc", 5, "abc"}, {"abc", 2, "ab"}, {"aé", 2, "a"}, {"aé", 3, "aé"}, {"€", 2, ""}} {
		if got := cutUTF8(c.in, c.n); got != c.want {
			t.Errorf("cutUTF8(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
