package store

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

// bulkBuckets are the per-organization buckets that hold most of the file (time series and
// logs). A walk with a time budget visits them last, after everything the workers load
// at start (services, rules, heartbeats, outbox), so the budget covers those first.
var bulkBuckets = map[string]bool{
	subResults: true, subRollup1m: true, subRollup1h: true, subRollup1d: true,
	subAudit: true, subAuditSeq: true, subDeliveries: true, subHeartbeatPings: true,
}

// treeWalk visits every page reachable from the root bucket by iterating every bucket's
// keys: each branch and leaf page is read and passes bbolt's page assertions, and the first
// and last byte of every key and value is touched, so a page number or length pointing
// past the file shows up too. A panic inside one bucket is recorded as a problem of that
// bucket and the walk goes on with the next one. It must run inside boltFile.View, which
// turns memory faults into panics.
type treeWalk struct {
	deadline time.Time // zero: no time budget
	problems []string
	later    []pendingBucket // bulk buckets, visited after everything else
	buckets  int
	keys     int
	stopped  bool // the time budget ran out before every page was visited
	touched  byte // keeps the byte reads from being optimised away
}

// pendingBucket is a bucket the walk has deferred.
type pendingBucket struct {
	path string
	open func() bucket
}

// walkTree walks every bucket of tx; deadline (zero: none) bounds the time it may take.
func walkTree(tx txn, deadline time.Time) *treeWalk {
	w := &treeWalk{deadline: deadline}
	w.visit("", func() bucket { return bucket{} }, &tx)
	for i := 0; i < len(w.later) && !w.stopped; i++ {
		w.visit(w.later[i].path, w.later[i].open, nil)
	}
	return w
}

// visit walks one bucket (open returns it; for the root, root is given instead) and then its
// child buckets, each on its own so damage in one does not hide the others.
func (w *treeWalk) visit(path string, open func() bucket, root *txn) {
	var children [][]byte
	var b bucket
	defer func() {
		if r := recover(); r != nil {
			if !isDamagePanic(r) {
				panic(r)
			}
			where := path
			if where == "" {
				where = "the root bucket"
			}
			w.problems = append(w.problems, fmt.Sprintf("bucket %s: %s", where, oneLine(fmt.Sprint(r))))
		}
	}()
	var c *cursor
	if root != nil {
		c = root.Cursor()
	} else if b = open(); !b.exists() {
		return
	} else {
		c = b.Cursor()
	}
	w.buckets++
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if w.keys++; w.keys%1024 == 0 && !w.deadline.IsZero() && time.Now().After(w.deadline) {
			w.stopped = true
			return
		}
		w.touched ^= k[0] ^ k[len(k)-1]
		if v == nil {
			children = append(children, bytes.Clone(k))
		} else if len(v) > 0 {
			w.touched ^= v[0] ^ v[len(v)-1]
		}
	}
	for _, name := range children {
		if w.stopped {
			return
		}
		childPath := path + "/" + string(name)
		if path == "" {
			childPath = string(name)
		}
		parent := b
		child := func() bucket {
			if !parent.exists() {
				return root.Bucket(name)
			}
			return parent.Bucket(name)
		}
		if bulkBuckets[string(name)] && w.isOrgChild(path) && !w.deadline.IsZero() {
			w.later = append(w.later, pendingBucket{childPath, child})
			continue
		}
		w.visit(childPath, child, nil)
	}
}

// isOrgChild reports whether path is an organization's bucket (orgs/<orgID>).
func (w *treeWalk) isOrgChild(path string) bool {
	rest, ok := strings.CutPrefix(path, bucketOrgs+"/")
	return ok && !strings.Contains(rest, "/")
}
