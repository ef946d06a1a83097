package alerting

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/oncall"
	"github.com/alertifypro/alertifypro/store"
)

// Handoff notices (SPEC §11): how often the worker looks, and how far back it still
// sends a notice after a pause (a notice hours late is noise, not news).
const (
	defaultHandoffScan = time.Minute
	handoffNoticeLimit = time.Hour
)

// HandoffNotices is the worker that e-mails the incoming person when their shift begins,
// for schedules with handoff_notices on. Each pass renders every such schedule from where
// the last pass stopped (the schedule's NoticesUntil) to now and queues a notice through
// the outbox for every change to a new person; the notices and the new NoticesUntil
// commit together, so each goes out once.
type HandoffNotices struct {
	Store    *store.DB
	Now      func() time.Time // default time.Now
	Interval time.Duration    // between passes; default one minute
	Logger   *slog.Logger     // nil discards
	Wake     func()           // wakes the outbox sender after notices were queued; may be nil
}

// Run makes a pass every Interval until ctx is done; a failed pass is logged and retried.
func (h *HandoffNotices) Run(ctx context.Context) error {
	interval := h.Interval
	if interval <= 0 {
		interval = defaultHandoffScan
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if _, err := h.Scan(); err != nil && h.Logger != nil {
			h.Logger.Error("handoff notices pass failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// Scan makes one pass over every organization's schedules and returns how many notices
// it queued.
func (h *HandoffNotices) Scan() (int, error) {
	now := time.Now()
	if h.Now != nil {
		now = h.Now()
	}
	orgs, err := h.Store.Organizations()
	if err != nil {
		return 0, err
	}
	queued := 0
	var errs []error
	for _, org := range orgs {
		schedules, err := h.Store.OnCallSchedules(org.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i := range schedules {
			if !schedules[i].HandoffNotices {
				continue
			}
			n, err := h.scanSchedule(&schedules[i], now)
			queued += n
			if err != nil {
				errs = append(errs, fmt.Errorf("schedule %s: %w", schedules[i].ID, err))
			}
		}
	}
	if queued > 0 && h.Wake != nil {
		h.Wake()
	}
	return queued, errors.Join(errs...)
}

func (h *HandoffNotices) scanSchedule(s *store.OnCallSchedule, now time.Time) (int, error) {
	from := s.NoticesUntil
	switch {
	case from.IsZero():
		from = now // turned on just now: nothing is owed for the past
	case now.Sub(from) > handoffNoticeLimit:
		from = now.Add(-handoffNoticeLimit)
	}
	var entries []*store.OutboxEntry
	if from.Before(now) {
		eng, err := oncall.Compile(s)
		if err != nil {
			return 0, err
		}
		prev, _, _ := eng.Who(from.Add(-time.Nanosecond))
		for _, sh := range eng.Render(from, now) {
			if sh.UserID != "" && sh.UserID != prev {
				e, err := h.notice(s, sh, eng.Location)
				if err != nil {
					return 0, err
				}
				if e != nil {
					entries = append(entries, e)
				}
			}
			prev = sh.UserID
		}
	}
	ok, err := h.Store.RecordHandoffNotices(s.OrgID, s.ID, s.NoticesUntil, now, entries)
	if err != nil || !ok {
		return 0, err
	}
	return len(entries), nil
}

// notice is the e-mail to the incoming person of shift sh; nil when they are no longer a
// member.
func (h *HandoffNotices) notice(s *store.OnCallSchedule, sh oncall.Shift, loc *time.Location) (*store.OutboxEntry, error) {
	if _, err := h.Store.Membership(s.OrgID, sh.UserID); errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	u, err := h.Store.User(sh.UserID)
	if err != nil {
		return nil, err
	}
	n := notify.Notification{ID: newID(), Event: "oncall.handoff", Severity: "info", OrgID: s.OrgID,
		Title:   "You are on call in " + s.Name,
		Summary: "Your shift in " + s.Name + " began at " + sh.Start.In(loc).Format("Mon 2 Jan 15:04 MST") + ".",
		Since:   sh.Start}
	raw, err := json.Marshal(n)
	if err != nil {
		return nil, err
	}
	return &store.OutboxEntry{ID: n.ID, Kind: store.OutboxKindEmail, TargetID: u.Email, Event: n.Event, Notification: raw}, nil
}
