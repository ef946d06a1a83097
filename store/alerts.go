package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Organization children of the alert state machine (created on first write):
//
//	alerts      alertID (UUIDv7, so key order is age order) → Alert JSON
//	alert_open  ruleID + "/" + subjectID → alertID   (at most one open alert per rule+subject)
//	alert_due   be64(due unix nanos) + alertID → nil (escalation and reminder due times)
//	alert_state ruleID + "/" + subjectID → RuleState (consecutive failure/success counters)
//
// The subject is the service ID, or the heartbeat ID for heartbeat alerts.
const (
	subAlerts     = "alerts"
	subAlertOpen  = "alert_open"
	subAlertDue   = "alert_due"
	subAlertState = "alert_state"
)

// Alert statuses (SPEC §3.10): firing → acknowledged → resolved, or firing → resolved.
const (
	AlertFiring       = "firing"
	AlertAcknowledged = "acknowledged"
	AlertResolved     = "resolved"
)

// ResolvedByAuto is Alert.ResolvedBy when the service recovered on its own.
const ResolvedByAuto = "auto"

// AlertNote is a responder's remark on an alert.
type AlertNote struct {
	At     time.Time `json:"at"`
	UserID string    `json:"user_id"`
	Text   string    `json:"text"`
}

// Alert is one incident of a rule on a service or heartbeat (SPEC §3.10). The fields after
// Notes are the engine's state (due times, hold), not part of the API object.
type Alert struct {
	ID              string      `json:"id"`
	OrgID           string      `json:"organization_id"`
	ServiceID       string      `json:"service_id,omitempty"`
	ServiceName     string      `json:"service_name,omitempty"`
	HeartbeatID     string      `json:"heartbeat_id,omitempty"`
	AlertRuleID     string      `json:"alert_rule_id"`
	Severity        string      `json:"severity"`
	Title           string      `json:"title"`
	Message         string      `json:"message"`
	Status          string      `json:"status"`
	FiredAt         time.Time   `json:"fired_at"`
	AcknowledgedAt  *time.Time  `json:"acknowledged_at"`
	AcknowledgedBy  string      `json:"acknowledged_by"`
	ResolvedAt      *time.Time  `json:"resolved_at"`
	ResolvedBy      string      `json:"resolved_by"`
	LastCheckAt     *time.Time  `json:"last_check_at"`
	FailureCount    int         `json:"failure_count"`
	EscalationLevel int         `json:"escalation_level"`
	Notes           []AlertNote `json:"notes"`

	// LastStatus and LastError are what the latest failing result said (notifications).
	LastStatus       string     `json:"last_status,omitempty"`
	LastError        string     `json:"last_error,omitempty"`
	NextEscalationAt *time.Time `json:"next_escalation_at,omitempty"`
	NextReminderAt   *time.Time `json:"next_reminder_at,omitempty"`
	EscalationCycle  int        `json:"escalation_cycle,omitempty"`
	// Held is set while the alert's notifications are held back (mass failure, §4.5).
	Held bool `json:"held,omitempty"`
}

// Open reports whether the alert is firing or acknowledged.
func (a *Alert) Open() bool { return a.Status == AlertFiring || a.Status == AlertAcknowledged }

// SubjectID is the service or heartbeat the alert is about.
func (a *Alert) SubjectID() string {
	if a.HeartbeatID != "" {
		return a.HeartbeatID
	}
	return a.ServiceID
}

// AlertFilter selects alerts for Alerts. Status "" or "open" means firing and acknowledged;
// "all" means every status. Since keeps alerts fired at or after it. Limit defaults to 100
// (max 1000); Cursor continues a previous page.
type AlertFilter struct {
	Status                           string
	ServiceID, HeartbeatID, Severity string
	Since                            time.Time
	Limit                            int
	Cursor                           string
}

// matches applies every field but Status "open"/"all" and the page bounds.
func (f *AlertFilter) matches(a *Alert) bool {
	switch strings.ToLower(f.Status) {
	case "", "open":
		if !a.Open() {
			return false
		}
	case "all":
	default:
		if a.Status != strings.ToLower(f.Status) {
			return false
		}
	}
	return (f.ServiceID == "" || a.ServiceID == f.ServiceID) &&
		(f.HeartbeatID == "" || a.HeartbeatID == f.HeartbeatID) &&
		(f.Severity == "" || strings.EqualFold(a.Severity, f.Severity)) &&
		(f.Since.IsZero() || !a.FiredAt.Before(f.Since))
}

// Alert returns alert id of organization orgID, or ErrNotFound (also for another
// organization's alert).
func (db *DB) Alert(orgID, id string) (*Alert, error) {
	var a Alert
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subAlerts)
		if err != nil {
			return err
		}
		return getJSON(b, []byte(id), &a, entityAlert)
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// Alerts returns the organization's alerts newest first (by ID, i.e. by when they fired)
// that match f, at most f.Limit of them; nextCursor is non-empty when the page is full and
// continues strictly after its last alert. Open alerts are found through the alert_open
// index, so the default listing does not read the history. A cursor that is not an alert
// ID gives ErrInvalidCursor.
func (db *DB) Alerts(orgID string, f AlertFilter) (alerts []Alert, nextCursor string, err error) {
	if f.Cursor != "" {
		if _, perr := uuid.Parse(f.Cursor); perr != nil {
			return nil, "", fmt.Errorf("%w: %q is not an alert cursor", ErrInvalidCursor, f.Cursor)
		}
	}
	limit := pageLimit(f.Limit)
	alerts = make([]Alert, 0)
	err = db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subAlerts)
		if err != nil || !b.exists() {
			return err
		}
		keep := func(id, raw []byte) (full bool, err error) {
			var a Alert
			if err := json.Unmarshal(raw, &a); err != nil {
				return false, fmt.Errorf("store: decode alert %s: %w", id, err)
			}
			if f.matches(&a) {
				alerts = append(alerts, a)
			}
			return len(alerts) == limit, nil
		}
		switch strings.ToLower(f.Status) {
		case "", "open", AlertFiring, AlertAcknowledged:
			return openAlertsDesc(tx, orgID, b, f.Cursor, keep)
		}
		c := b.Cursor()
		k, v := c.Last()
		if f.Cursor != "" {
			if k, _ = c.Seek([]byte(f.Cursor)); k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for ; k != nil; k, v = c.Prev() {
			if full, err := keep(k, v); err != nil || full {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	if len(alerts) == limit {
		nextCursor = alerts[len(alerts)-1].ID
	}
	return alerts, nextCursor, nil
}

// openAlertsDesc feeds the open alerts below cursor to keep, newest first, until it says
// the page is full.
func openAlertsDesc(tx txn, orgID string, alerts bucket, cursor string, keep func(id, raw []byte) (bool, error)) error {
	open, err := orgSub(tx, orgID, subAlertOpen)
	if err != nil || !open.exists() {
		return err
	}
	var ids []string
	err = open.ForEach(func(_, v []byte) error {
		if id := string(v); cursor == "" || id < cursor {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(ids)
	for _, id := range slices.Backward(ids) {
		raw := alerts.Get([]byte(id))
		if raw == nil {
			continue
		}
		if full, err := keep([]byte(id), raw); err != nil || full {
			return err
		}
	}
	return nil
}
