package cluster

import (
	"fmt"
	"testing"
)

// BenchmarkLeaderWrite measures one write through a 3-node loopback cluster, end to end:
// logic, Raft commit (the log's fsync on each node) and the leader's apply, one after the
// other as the store-wide lock makes them. fsync and nosync differ only in the state
// machine's own bbolt commit: the figure behind keeping its fsync (README, "Running a
// cluster").
func BenchmarkLeaderWrite(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		name := "fsync"
		if noSync {
			name = "nosync"
		}
		b.Run(name, func(b *testing.B) {
			cfgs := configs(b, 3, "0123456789abcdef0123456789abcdef")
			var nodes []*testNode
			for _, c := range cfgs {
				nodes = append(nodes, startWith(b, c, b.TempDir(), noSync))
			}
			leader := leaderOf(b, nodes)
			b.ResetTimer()
			for i := range b.N {
				if _, err := register(leader.db, fmt.Sprintf("u%d", i)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
