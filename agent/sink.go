package agent

import (
	"context"
	"sync"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// BatchStore records a batch of agent results with its ledger entry (*store.DB).
type BatchStore interface {
	RecordAgentBatch(batch store.AgentBatch, items []store.RecordItem) (duplicate bool, err error)
}

// StoreSink is the server's ResultSink: agents' results go into the same history, service
// state and alert evaluation as the appliance's own checks (store.RecordItem through the
// recorder's transaction, SPEC §4.3), each carrying its location, and the batch's ledger
// entry commits in the same transaction. It counts what it recorded per location and
// status for /metrics.
type StoreSink struct {
	Store BatchStore

	mu     sync.Mutex
	counts map[resultKey]uint64
}

// resultKey is one series of the recorded-results counter.
type resultKey struct{ location, status string }

// Record records results (ResultSink). The hub acknowledges the batch only after it returns.
func (s *StoreSink) Record(_ context.Context, loc *store.Location, _ string, batch store.AgentBatch, results []Checked) (bool, error) {
	items := make([]store.RecordItem, len(results))
	for i := range results {
		c := &results[i]
		items[i] = store.RecordItem{OrgID: c.OrgID, Result: monitor.StoreResult(c.ServiceID, &c.Result)}
	}
	dup, err := s.Store.RecordAgentBatch(batch, items)
	if err != nil || dup {
		return dup, err
	}
	s.mu.Lock()
	if s.counts == nil {
		s.counts = make(map[resultKey]uint64)
	}
	for i := range results {
		s.counts[resultKey{loc.Name, results[i].Result.Status}]++
	}
	s.mu.Unlock()
	return false, nil
}

// Counts returns how many agent results were recorded, by location name and status.
func (s *StoreSink) Counts() map[string]map[string]uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]uint64{}
	for k, n := range s.counts {
		if out[k.location] == nil {
			out[k.location] = map[string]uint64{}
		}
		out[k.location][k.status] = n
	}
	return out
}
