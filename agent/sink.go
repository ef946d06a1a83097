package agent

import (
	"context"
	"log/slog"
	"sync"

	"github.com/alertifypro/alertifypro/store"
)

// MeterSink is the ResultSink of a server that does not store agent results yet: it counts
// them per location and logs each batch at debug level, and records nothing — the server's
// checks, history and alerts still come from the built-in location only.
type MeterSink struct {
	Logger *slog.Logger

	mu     sync.Mutex
	counts map[string]uint64 // by location name
}

// Record counts results (ResultSink).
func (m *MeterSink) Record(_ context.Context, loc *store.Location, agentID string, results []Checked) error {
	m.mu.Lock()
	if m.counts == nil {
		m.counts = make(map[string]uint64)
	}
	m.counts[loc.Name] += uint64(len(results))
	m.mu.Unlock()
	if m.Logger != nil {
		m.Logger.Debug("agent results received", "location", loc.Name, "agent_id", agentID, "results", len(results))
	}
	return nil
}

// Counts returns how many results each location's agents reported, by location name.
func (m *MeterSink) Counts() map[string]uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[string]uint64, len(m.counts))
	for k, v := range m.counts {
		out[k] = v
	}
	return out
}
