package store

import "time"

// DefaultRuleID is the ID of the virtual rule built from an organization's AlertDefaults:
// it covers a service that has no enabled rule of its own and no enabled org-wide rule
// (SPEC §3.9). Alerts it opens carry this ID in AlertRuleID; no stored rule has it.
const DefaultRuleID = "default"

// AlertCondition says which results count as failures for a rule (SPEC §3.9 "condition").
type AlertCondition struct {
	Statuses             []string `json:"statuses"`              // default ["RED","YELLOW"]
	ConsecutiveFailures  int      `json:"consecutive_failures"`  // default 1
	ConsecutiveSuccesses int      `json:"consecutive_successes"` // default 1
	Expression           string   `json:"expression,omitempty"`  // canonical form (alerting.Expr.String)
}

// AlertRule decides when results of a service (or a heartbeat) open and resolve alerts and
// who is told (SPEC §3.9). ServiceID "" with HeartbeatID "" is an org-wide rule covering
// every service of the organization.
type AlertRule struct {
	ID                      string         `json:"id"`
	OrgID                   string         `json:"organization_id"`
	ServiceID               string         `json:"service_id,omitempty"`
	HeartbeatID             string         `json:"heartbeat_id,omitempty"`
	Name                    string         `json:"name"`
	Severity                string         `json:"severity"` // critical | warning | info
	Condition               AlertCondition `json:"condition"`
	ChannelIDs              []string       `json:"channel_ids"` // empty = every enabled channel of the org
	EscalationPolicyID      string         `json:"escalation_policy_id"`
	NotifyOnRecovery        bool           `json:"notify_on_recovery"`
	ReminderIntervalMinutes int            `json:"reminder_interval_minutes"` // 0 = no reminders
	Enabled                 bool           `json:"enabled"`
	// CreateStatusPageIncident, when set, opens a status-page incident whenever an alert
	// of the rule fires and resolves it with the alert (SPEC §3.16); nil when off.
	CreateStatusPageIncident *IncidentTemplate `json:"create_status_page_incident"`
	CreatedAt                time.Time         `json:"created_at"`
	UpdatedAt                time.Time         `json:"updated_at"`
}

// OrgWide reports whether the rule covers every service of its organization.
func (r *AlertRule) OrgWide() bool { return r.ServiceID == "" && r.HeartbeatID == "" }

// subjectID is the heartbeat or service the rule covers ("" for an org-wide rule).
func (r *AlertRule) subjectID() string {
	if r.HeartbeatID != "" {
		return r.HeartbeatID
	}
	return r.ServiceID
}

// Alert resolutions made by the store when a rule stops covering its alerts.
const (
	ResolvedByRuleDeleted = "rule deleted"
	ResolvedByRuleChanged = "rule changed"
)

// CreateAlertRule stores a new rule in organization orgID (names need not be unique). Empty
// ID and times are filled; OrgID is set. A new enabled rule takes over from the default
// rule, so open default-rule alerts of the services (or the heartbeat) it covers are
// resolved ("rule changed") in the same transaction: otherwise nothing would ever evaluate them again.
func (db *DB) CreateAlertRule(orgID string, r *AlertRule, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subAlertRules)
		if err != nil {
			return err
		}
		if r.ID == "" {
			r.ID = NewID()
		}
		if r.ID == DefaultRuleID || b.Get([]byte(r.ID)) != nil {
			return conflictf(entityAlertRule, "An alert rule with ID %s already exists.", r.ID)
		}
		now := db.stamp()
		if r.CreatedAt.IsZero() {
			r.CreatedAt = now
		}
		r.OrgID, r.UpdatedAt = orgID, now
		if r.ChannelIDs == nil {
			r.ChannelIDs = []string{}
		}
		db.invalidateRules(orgID)
		if err := putJSON(b, []byte(r.ID), r); err != nil {
			return err
		}
		if !r.Enabled {
			return nil
		}
		return db.closeRuleAlerts(tx, orgID, DefaultRuleID, r.subjectID(), ResolvedByRuleChanged)
	})
}

// AlertRule returns rule id of organization orgID, or ErrNotFound (also for another
// organization's rule).
func (db *DB) AlertRule(orgID, id string) (*AlertRule, error) {
	var r AlertRule
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subAlertRules)
		if err != nil {
			return err
		}
		return getJSON(b, []byte(id), &r, entityAlertRule)
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// AlertRules returns the rules of organization orgID in creation order: all of them when
// serviceID is "", else those whose ServiceID is serviceID (org-wide rules not included).
// Never nil.
func (db *DB) AlertRules(orgID, serviceID string) ([]AlertRule, error) {
	var out []AlertRule
	err := db.view(func(tx txn) error {
		all, err := listAlertRules(tx, orgID)
		if err != nil {
			return err
		}
		out = all[:0]
		for _, r := range all {
			if serviceID == "" || r.ServiceID == serviceID {
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateAlertRule loads rule id of orgID, lets fn change it and stores it, in one write
// transaction; an error from fn aborts and is returned as is. ID, OrgID and CreatedAt cannot
// change. When the rule is disabled or its subject (service or heartbeat) changes, its open
// alerts are resolved ("rule changed") and its counters dropped in the same transaction, as
// nothing would evaluate them any more; an enabled rule takes over from the default rule
// as in CreateAlertRule.
func (db *DB) UpdateAlertRule(orgID, id string, fn func(*AlertRule) error, change *Change) (*AlertRule, error) {
	var r AlertRule
	err := db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subAlertRules)
		if err != nil {
			return err
		}
		if err := getJSON(b, []byte(id), &r, entityAlertRule); err != nil {
			return err
		}
		old := r
		if err := fn(&r); err != nil {
			return err
		}
		r.ID, r.OrgID, r.CreatedAt, r.UpdatedAt = id, orgID, old.CreatedAt, db.stamp()
		if r.ChannelIDs == nil {
			r.ChannelIDs = []string{}
		}
		db.invalidateRules(orgID)
		if err := putJSON(b, []byte(id), &r); err != nil {
			return err
		}
		subjectChanged := r.ServiceID != old.ServiceID || r.HeartbeatID != old.HeartbeatID
		if old.Enabled && (!r.Enabled || subjectChanged) {
			if err := db.closeRuleAlerts(tx, orgID, id, "", ResolvedByRuleChanged); err != nil {
				return err
			}
		}
		if r.Enabled && (!old.Enabled || subjectChanged) {
			return db.closeRuleAlerts(tx, orgID, DefaultRuleID, r.subjectID(), ResolvedByRuleChanged)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteAlertRule removes rule id of orgID (ErrNotFound otherwise); its open alerts are
// resolved ("rule deleted") and its counters dropped in the same transaction.
func (db *DB) DeleteAlertRule(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subAlertRules)
		if err != nil {
			return err
		}
		if b.Get([]byte(id)) == nil {
			return notFoundf(entityAlertRule, "alert rule %q", id)
		}
		db.invalidateRules(orgID)
		// Close first, so the alert closer still finds the rule's channels.
		if err := db.closeRuleAlerts(tx, orgID, id, "", ResolvedByRuleDeleted); err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}
