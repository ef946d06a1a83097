package store

import (
	"strings"
	"time"
)

// Organization children of the alert state machine (created on first write):
//
//	alerts      alertID (UUIDv7, so key order is age order) → Alert JSON
//	alert_open  ruleID + "/" + subjectID → alertID   (at most one open alert per rule+subject)
//	alert_due   be64(due unix nanos) + alertID → nil (escalation and reminder due times)
//	alert_state ruleID + "/" + subjectID → RuleState (consecutive failure/success counters)
//	alert_open_ids alertID → nil                  (the open alerts in ID order, for the list)
//
// The subject is the service ID, or the heartbeat ID for heartbeat alerts.
const (
	subAlerts     = "alerts"
	subAlertOpen  = "alert_open"
	subAlertDue   = "alert_due"
	subAlertState = "alert_state"
	// subAlertOpenIDs lists the open alerts in ID order, so the default alert list pages
	// through them newest first without reading the history or sorting.
	subAlertOpenIDs = "alert_open_ids"
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
	// FailingRegions are the probe locations whose failures made a service of several
	// locations fail (SPEC §8); absent for a service of one location.
	FailingRegions []string `json:"failing_regions,omitempty"`
	// LocationID is the location a location.offline / location.degraded alert is about.
	LocationID string `json:"location_id,omitempty"`

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

// SubjectID is the service, heartbeat or probe location the alert is about.
func (a *Alert) SubjectID() string {
	if a.LocationID != "" {
		return a.LocationID
	}
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

// Alerts returns one page of the organization's alerts that match f, newest first (by ID,
// i.e. by when they fired), at most f.Limit of them, and the cursor of the next page ("" at
// the end). Open alerts are walked through the alert_open_ids index, so the default
// listing does not read the history; other statuses walk the history, at most ScanBudget
// alerts per page (readPage). A cursor this list did not produce gives ErrInvalidCursor.
func (db *DB) Alerts(orgID string, f AlertFilter) (alerts []Alert, nextCursor string, err error) {
	q := ListQuery{Cursor: f.Cursor, Limit: f.Limit}
	err = db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subAlerts)
		if err != nil {
			return err
		}
		s := listScan{cursor: listCursor{"alerts", orgID}, b: b, desc: true}
		switch strings.ToLower(f.Status) {
		case "", "open", AlertFiring, AlertAcknowledged:
			if s.b, err = orgSub(tx, orgID, subAlertOpenIDs); err != nil {
				return err
			}
			s.record = func(k, _ []byte) []byte {
				if !b.exists() {
					return nil
				}
				return b.Get(k)
			}
		}
		alerts, nextCursor, err = readPage(s, q, f.matches)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return alerts, nextCursor, nil
}
