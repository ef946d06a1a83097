package monitor

import (
	"log/slog"
	"sync"
	"time"
)

// dropQuiet is how long results must have recorded without a failure before an episode
// of dropped results counts as over. On a full disk some commits still succeed (bbolt
// reuses pages the file has freed) between the many that fail; ending the episode at
// the first success would log it again at the next failure.
const dropQuiet = time.Minute

// droppedResults tells the log about scheduled check results that could not be
// recorded (a full disk, a damaged file): nobody waits for them, so they are dropped —
// and said so once per episode, not once per result. The first failure of an episode is
// logged with its error; the episode ends with the first result recorded at least
// dropQuiet after the last failure, logged with how many results were dropped. A failed
// commit is never retried here: the service's next check comes at its next interval, so
// a failing store costs one attempt per check, never a loop.
type droppedResults struct {
	now func() time.Time // nil: time.Now

	mu       sync.Mutex
	dropped  int // in the current episode; 0: none open
	since    time.Time
	lastFail time.Time
}

func (d *droppedResults) clock() time.Time {
	if d.now != nil {
		return d.now()
	}
	return time.Now()
}

// failed counts one result that was not recorded because of err.
func (d *droppedResults) failed(log *slog.Logger, serviceID string, err error) {
	now := d.clock()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dropped++
	d.lastFail = now
	if d.dropped == 1 {
		d.since = now
		if log != nil {
			log.Error("check results are not being recorded: scheduled results are dropped until commits "+
				"succeed again (logged once for all of them)", "service_id", serviceID, "error", err)
		}
	}
}

// recorded notes one result recorded; it ends an episode that has been quiet long enough.
func (d *droppedResults) recorded(log *slog.Logger) {
	now := d.clock()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dropped == 0 || now.Sub(d.lastFail) < dropQuiet {
		return
	}
	if log != nil {
		log.Warn("check results are recorded again", "dropped", d.dropped,
			"from", d.since.UTC().Format(time.RFC3339), "to", d.lastFail.UTC().Format(time.RFC3339))
	}
	d.dropped = 0
}
