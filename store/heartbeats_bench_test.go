package store

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkRecordPings measures durable ping ingest (SPEC §6: ≥ 5 000 pings/s): groups of
// 500 pings — about what one greedy group commit holds at that rate — over 2 000
// heartbeats, each group one fsynced write transaction that stores the pings, trims each
// log to 100 and moves deadlines. The logs are filled to 100 first, so every ping also
// deletes the oldest one, as in a running system. Reports pings/s.
func BenchmarkRecordPings(b *testing.B) {
	const heartbeats, batch = 2000, 500
	db := openTestDB(b)
	_, org, _ := mustRegister(b, db, "bench@example.com", "Bench")
	keys := make([]string, heartbeats)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench-%08x", i)
		mustHeartbeat(b, db, org.ID, keys[i])
	}
	at := testEpoch
	items := make([]PingItem, batch)
	round := 0
	next := func() []PingItem {
		for i := range items {
			at = at.Add(time.Millisecond)
			items[i] = ping(keys[(round*batch+i)%heartbeats], PingSuccess, at)
			items[i].Ping.Body = `{"rows":1234,"status":"done"}`
		}
		round++
		return items
	}
	for range MaxHeartbeatPings * heartbeats / batch { // fill every log, without fsync
		if err := db.RecordPings(next(), everyDeadline); err != nil {
			b.Fatal(err)
		}
	}
	db.kv.Load().NoSync = false // measure real durability
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if err := db.RecordPings(next(), everyDeadline); err != nil {
			b.Fatal(err)
		}
		n += batch
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pings/s")
}
