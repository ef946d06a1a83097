package store

import (
	"encoding/json"
	"errors"
	"time"
)

// Organization children of on-call schedules (SPEC §11): scheduleID → OnCallSchedule JSON,
// and the name index lower(name) → scheduleID (names are unique per organization, so the
// configuration import can match by name).
const (
	subOnCallSchedules     = "oncall_schedules"
	subOnCallScheduleNames = "oncall_schedule_names"
	entityOnCallSchedule   = "On-call schedule"
	entityOnCallOverride   = "Override"
)

// EscalateToSchedule is the escalation target kind "whoever is on call in schedule
// NotifyID when the step fires" (SPEC §11).
const EscalateToSchedule = "schedule"

// OnCallSchedule is a schedule as stored: wall-clock fields stay text ("09:00",
// "monday") in the schedule's time zone; package oncall compiles it.
type OnCallSchedule struct {
	ID       string `json:"id"`
	OrgID    string `json:"org_id"`
	Name     string `json:"name"`
	Timezone string `json:"timezone"`
	// HandoffNotices mails the incoming person when a shift of theirs begins.
	HandoffNotices bool `json:"handoff_notices"`
	// Layers are bottom to top: a later layer wins where it has someone on call.
	Layers []OnCallLayer `json:"layers"`
	// Overrides in creation order: where two overlap, the later one wins.
	Overrides []OnCallOverride `json:"overrides"`
	// NoticesUntil is how far the handoff notice worker has looked (zero: not yet).
	NoticesUntil time.Time `json:"notices_until,omitzero"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// OnCallLayer is one rotation of a schedule.
type OnCallLayer struct {
	Name         string              `json:"name"`
	Rotation     string              `json:"rotation"`
	ShiftHours   int                 `json:"shift_hours,omitempty"`
	HandoffTime  string              `json:"handoff_time"`
	HandoffDay   string              `json:"handoff_day,omitempty"`
	StartsAt     time.Time           `json:"starts_at"`
	Users        []string            `json:"users"`
	Restrictions []OnCallRestriction `json:"restrictions"`
}

// OnCallRestriction limits a layer to a window of the day on some days ("mon", ...).
type OnCallRestriction struct {
	Days  []string `json:"days"`
	Start string   `json:"start"`
	End   string   `json:"end"`
}

// OnCallOverride puts UserID on call over [StartsAt, EndsAt), above every layer.
type OnCallOverride struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	CreatedAt time.Time `json:"created_at"`
}

var errScheduleNameTaken = conflictf(entityOnCallSchedule, "An on-call schedule with that name already exists in this organization.")

// CreateOnCallSchedule stores a new schedule in orgID; a name another schedule of the
// organization has (case-insensitively) is ErrConflict. Empty ID and times are filled.
func (db *DB) CreateOnCallSchedule(orgID string, s *OnCallSchedule, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subOnCallSchedules)
		if err != nil {
			return err
		}
		names, err := orgSub(tx, orgID, subOnCallScheduleNames)
		if err != nil {
			return err
		}
		if s.ID == "" {
			s.ID = NewID()
		}
		if b.Get([]byte(s.ID)) != nil {
			return conflictf(entityOnCallSchedule, "An on-call schedule with ID %s already exists.", s.ID)
		}
		key := channelNameKey(s.Name)
		if names.Get(key) != nil {
			return errScheduleNameTaken
		}
		now := db.stamp()
		if s.CreatedAt.IsZero() {
			s.CreatedAt = now
		}
		s.OrgID, s.UpdatedAt = orgID, now
		if err := names.Put(key, []byte(s.ID)); err != nil {
			return err
		}
		return putJSON(b, []byte(s.ID), s)
	})
}

// OnCallSchedule returns schedule id of orgID, or ErrNotFound (also for another
// organization's).
func (db *DB) OnCallSchedule(orgID, id string) (*OnCallSchedule, error) {
	var s OnCallSchedule
	err := db.view(func(tx txn) error { return getOnCallSchedule(tx, orgID, id, &s) })
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// OnCallSchedules returns every schedule of orgID in creation order; never nil.
func (db *DB) OnCallSchedules(orgID string) ([]OnCallSchedule, error) {
	var out []OnCallSchedule
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subOnCallSchedules)
		if err != nil {
			return err
		}
		out, err = listJSON[OnCallSchedule](b)
		return err
	})
	return out, err
}

// ListOnCallSchedules pages through orgID's schedules in ID order.
func (db *DB) ListOnCallSchedules(orgID string, q ListQuery, keep func(*OnCallSchedule) bool) ([]OnCallSchedule, string, error) {
	return listOrgBucket(db, orgID, subOnCallSchedules, q, keep)
}

// UpdateOnCallSchedule loads schedule id of orgID, lets fn change it and stores it in one
// write transaction; an error from fn aborts. A changed name is re-checked for uniqueness.
func (db *DB) UpdateOnCallSchedule(orgID, id string, fn func(*OnCallSchedule) error, change *Change) (*OnCallSchedule, error) {
	var s OnCallSchedule
	err := db.update(orgID, change, func(tx txn) error {
		if err := getOnCallSchedule(tx, orgID, id, &s); err != nil {
			return err
		}
		oldKey, created := channelNameKey(s.Name), s.CreatedAt
		if err := fn(&s); err != nil {
			return err
		}
		s.ID, s.OrgID, s.CreatedAt, s.UpdatedAt = id, orgID, created, db.stamp()
		if newKey := channelNameKey(s.Name); string(newKey) != string(oldKey) {
			if err := renameIndexed(tx, orgID, subOnCallScheduleNames, oldKey, newKey, id, errScheduleNameTaken); err != nil {
				return err
			}
		}
		b, err := orgSub(tx, orgID, subOnCallSchedules)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(id), &s)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteOnCallSchedule removes schedule id of orgID and frees its name. While an
// escalation policy has a step that pages the schedule the delete is ErrConflict: the
// step would silently page nobody.
func (db *DB) DeleteOnCallSchedule(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var s OnCallSchedule
		if err := getOnCallSchedule(tx, orgID, id, &s); err != nil {
			return err
		}
		if name, err := policyPagingSchedule(tx, orgID, id); err != nil {
			return err
		} else if name != "" {
			return conflictf(entityOnCallSchedule, "Cannot delete: on-call schedule %q is paged by escalation policy %q.", s.Name, name)
		}
		names, err := orgSub(tx, orgID, subOnCallScheduleNames)
		if err != nil {
			return err
		}
		if err := names.Delete(channelNameKey(s.Name)); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subOnCallSchedules)
		if err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// DeleteOnCallOverride removes override overrideID of schedule id; ErrNotFound when
// either is unknown.
func (db *DB) DeleteOnCallOverride(orgID, id, overrideID string, change *Change) (*OnCallSchedule, error) {
	return db.UpdateOnCallSchedule(orgID, id, func(s *OnCallSchedule) error {
		for i, o := range s.Overrides {
			if o.ID == overrideID {
				s.Overrides = append(s.Overrides[:i], s.Overrides[i+1:]...)
				return nil
			}
		}
		return notFoundf(entityOnCallOverride, "override %q", overrideID)
	}, change)
}

// OnCallSchedule returns schedule id of orgID inside the alert transaction, or ErrNotFound.
func (t *AlertTx) OnCallSchedule(orgID, id string) (*OnCallSchedule, error) {
	var s OnCallSchedule
	if err := getOnCallSchedule(t.tx, orgID, id, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// policyPagingSchedule names an escalation policy of orgID with a step paging schedule
// scheduleID, or "" when none has.
func policyPagingSchedule(tx txn, orgID, scheduleID string) (string, error) {
	b, err := orgSub(tx, orgID, subEscalationPolicies)
	if err != nil || !b.exists() {
		return "", err
	}
	var found string
	err = b.ForEach(func(_, v []byte) error {
		var p EscalationPolicy
		if err := json.Unmarshal(v, &p); err != nil {
			return err
		}
		for _, s := range p.Rules {
			if s.NotifyType == EscalateToSchedule && s.NotifyID == scheduleID {
				found = p.Name
				return errStopIteration
			}
		}
		return nil
	})
	if errors.Is(err, errStopIteration) {
		err = nil
	}
	return found, err
}

func getOnCallSchedule(tx txn, orgID, id string, s *OnCallSchedule) error {
	b, err := orgSub(tx, orgID, subOnCallSchedules)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), s, entityOnCallSchedule)
}
