package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// The agent batch ledger: how far each agent process's result batches have been recorded,
// so a batch an agent sends again (its acknowledgement was lost, the server restarted) is
// recognized and recorded once (SPEC §8). An agent process numbers its batches 1, 2, 3, ...
// under an instance ID of its own and sends them in order, one at a time, so one number per
// (location, instance) — the highest recorded — is the whole state, however many batches
// there were. Entries not written for a while are pruned (PruneAgentBatches): an agent
// process that has been gone that long has no batch left to resend.
//
//	agent_batches    locationID + "/" + instance → be64(highest recorded seq) + be64(written, unix nanos)
//	                 (created on first write)
const bucketAgentBatches = "agent_batches"

// agentBatchKey is a ledger key.
func agentBatchKey(locationID, instance string) []byte {
	return []byte(locationID + keySeparator + instance)
}

// AgentBatchSeq returns the highest batch number recorded for the agent process instance of
// location locationID; 0 when none was.
func (db *DB) AgentBatchSeq(locationID, instance string) (uint64, error) {
	var seq uint64
	err := db.view(func(tx txn) error {
		b := tx.Bucket([]byte(bucketAgentBatches))
		if !b.exists() {
			return nil
		}
		v := b.Get(agentBatchKey(locationID, instance))
		if v == nil {
			return nil
		}
		if len(v) != 16 {
			return fmt.Errorf("store: agent batch entry %s/%s is %d bytes, want 16", locationID, instance, len(v))
		}
		seq = binary.BigEndian.Uint64(v)
		return nil
	})
	return seq, err
}

// SetAgentBatchSeq records that batches up to seq of the agent process instance of location
// locationID are recorded, at time at. It never lowers the number.
func (db *DB) SetAgentBatchSeq(locationID, instance string, seq uint64, at time.Time) error {
	return db.update("", nil, func(tx txn) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketAgentBatches))
		if err != nil {
			return err
		}
		key := agentBatchKey(locationID, instance)
		if v := b.Get(key); len(v) == 16 && binary.BigEndian.Uint64(v) > seq {
			seq = binary.BigEndian.Uint64(v)
		}
		return b.Put(key, append(be64(seq), be64(unixNanos(at))...))
	})
}

// PruneAgentBatches deletes the ledger entries last written before before, at most
// maxDeleteChunk per transaction, and returns how many it deleted.
func (db *DB) PruneAgentBatches(before time.Time) (int, error) {
	total := 0
	for {
		var doomed [][]byte
		err := db.update("", nil, func(tx txn) error {
			b := tx.Bucket([]byte(bucketAgentBatches))
			if !b.exists() {
				return nil
			}
			cut := unixNanos(before)
			c := b.Cursor()
			for k, v := c.First(); k != nil && len(doomed) < maxDeleteChunk; k, v = c.Next() {
				if len(v) != 16 || binary.BigEndian.Uint64(v[8:]) < cut {
					doomed = append(doomed, bytes.Clone(k))
				}
			}
			for _, k := range doomed {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		total += len(doomed)
		if err != nil || len(doomed) < maxDeleteChunk {
			return total, err
		}
	}
}

// AgentBatch names one result batch of an agent process for the ledger: batch Seq of the
// process Instance of location LocationID, received At.
type AgentBatch struct {
	LocationID, Instance string
	Seq                  uint64
	At                   time.Time
}

// RecordAgentBatch records the results of an agent's batch as RecordResults does (rollups,
// service state, alert evaluation) and marks the batch recorded in the ledger, in ONE write
// transaction: a batch is recorded with its ledger entry or not at all, so an agent that
// sends it again after a lost acknowledgement or a server crash has it recorded once
// (SPEC §8). When the ledger already holds batch.Seq (or a later one) nothing is written
// and duplicate is true. It returns after the commit.
func (db *DB) RecordAgentBatch(batch AgentBatch, items []RecordItem) (duplicate bool, err error) {
	var skips skipCounts
	err = db.update("", nil, func(tx txn) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketAgentBatches))
		if err != nil {
			return err
		}
		key := agentBatchKey(batch.LocationID, batch.Instance)
		if v := b.Get(key); len(v) == 16 && binary.BigEndian.Uint64(v) >= batch.Seq {
			duplicate = true
			return nil
		}
		if len(items) > 0 {
			w := db.newSeriesWriter(tx)
			for i := range items {
				if err := w.add(&items[i]); err != nil {
					return err
				}
			}
			if err := w.flush(); err != nil {
				return err
			}
			skips = w.skips
		}
		return b.Put(key, append(be64(batch.Seq), be64(unixNanos(batch.At))...))
	})
	if err == nil && skips.invalid+skips.corrupt > 0 {
		db.log.Warn("agent results skipped as malformed, or undecodable rollup rows replaced",
			"invalid", skips.invalid, "corrupt", skips.corrupt)
	}
	return duplicate, err
}
