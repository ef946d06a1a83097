package api

import (
	"errors"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// What notification channels and webhooks, the two kinds of delivery target, share: the
// outcome of a direct test send and the delivery log (SPEC §3.11, §3.15).

// testSend is one test send's outcome: what the answer shows (delivered, the receiver's
// status, the error) and what the target records (at on success, lastErr otherwise).
type testSend struct {
	delivered bool
	status    *int
	at        *time.Time
	lastErr   string
}

func newTestSend(a notify.Attempt, sendErr error, now time.Time) testSend {
	t := testSend{delivered: sendErr == nil}
	if a.StatusCode != 0 {
		t.status = &a.StatusCode
	}
	if sendErr != nil {
		t.lastErr = sendErr.Error()
	} else {
		t.at = &now
	}
	return t
}

// errText is the error as the answer shows it: nil when the send was delivered.
func (t testSend) errText() *string {
	if t.delivered {
		return nil
	}
	return &t.lastErr
}

// recordTestSend records the outcome on the target through set, with entry in the same
// transaction. A target deleted meanwhile still gets its entry: the send happened.
func (b *base) recordTestSend(orgID string, entry *store.AuditEntry, set func(*store.Change) error) error {
	err := set(audited(entry))
	if errors.Is(err, store.ErrNotFound) {
		err = b.store.AppendAudit(orgID, entry)
	}
	return err
}

// respondDeliveries answers one target's delivery log, newest first, a page at a time
// (X-Next-Cursor), each entry rendered by view.
func respondDeliveries[V any](c *gin.Context, db *store.DB, orgID, kind, targetID string, view func(*store.DeliveryLog) V) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	logs, next, err := db.Deliveries(orgID, store.DeliveryFilter{Kind: kind, TargetID: targetID, Limit: p.limit, Cursor: p.cursor})
	if err != nil {
		return err
	}
	return respondCursorPage(c, logs, next, view)
}
