package store

import (
	"encoding/json"
	"errors"
	"time"
)

// Organization children of escalation policies: policyID → EscalationPolicy JSON, and the
// name index lower(name) → policyID (names are unique per organization, so configuration
// import can match by name).
const (
	subEscalationPolicies = "escalation_policies"
	subEscalationNames    = "escalation_names"
	// subAlertRules holds alertRuleID → AlertRule JSON (alert_rules.go).
	subAlertRules = "alert_rules"
)

// EscalationPolicy says who is told about an unacknowledged alert, and when (SPEC §3.12).
// Steps fire at FiredAt + DelayMinutes while the alert is neither acknowledged nor
// resolved; after the last step the whole policy runs again Repeat more times.
type EscalationPolicy struct {
	ID          string           `json:"id"`
	OrgID       string           `json:"org_id"`
	Name        string           `json:"name"`
	Description string           `json:"description"`
	Repeat      int              `json:"repeat"`
	Rules       []EscalationStep `json:"rules"`
	CreatedAt   time.Time        `json:"created_at"`
	UpdatedAt   time.Time        `json:"updated_at"`
}

// EscalationStep is one level of a policy: after DelayMinutes (counted from when the alert
// fired) notify the channel, team (every member, by e-mail) or user (by e-mail) NotifyID.
type EscalationStep struct {
	Level        int    `json:"level"`
	DelayMinutes int    `json:"delay_minutes"`
	NotifyType   string `json:"notify_type"` // EscalateToChannel, EscalateToTeam or EscalateToUser
	NotifyID     string `json:"notify_id"`
}

// Escalation target kinds (EscalationStep.NotifyType).
const (
	EscalateToChannel = "channel"
	EscalateToTeam    = "team"
	EscalateToUser    = "user"
)

// errPolicyNameTaken is the conflict of a policy name another policy of the organization
// has.
var errPolicyNameTaken = conflictf(entityPolicy, "An escalation policy with that name already exists in this organization.")

// CreateEscalationPolicy stores a new policy in organization orgID; a name another policy
// of the organization has (case-insensitively) is ErrConflict. Empty ID and times are
// filled; OrgID is set to orgID.
func (db *DB) CreateEscalationPolicy(orgID string, p *EscalationPolicy, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subEscalationPolicies)
		if err != nil {
			return err
		}
		names, err := orgSub(tx, orgID, subEscalationNames)
		if err != nil {
			return err
		}
		if p.ID == "" {
			p.ID = NewID()
		}
		if b.Get([]byte(p.ID)) != nil {
			return conflictf(entityPolicy, "An escalation policy with ID %s already exists.", p.ID)
		}
		key := channelNameKey(p.Name)
		if names.Get(key) != nil {
			return errPolicyNameTaken
		}
		now := db.stamp()
		if p.CreatedAt.IsZero() {
			p.CreatedAt = now
		}
		p.OrgID, p.UpdatedAt = orgID, now
		if err := names.Put(key, []byte(p.ID)); err != nil {
			return err
		}
		return putJSON(b, []byte(p.ID), p)
	})
}

// EscalationPolicy returns policy id of organization orgID, or ErrNotFound (also when it
// belongs to another organization).
func (db *DB) EscalationPolicy(orgID, id string) (*EscalationPolicy, error) {
	var p EscalationPolicy
	err := db.view(func(tx txn) error {
		return getEscalationPolicy(tx, orgID, id, &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// EscalationPolicies returns every policy of organization orgID in creation order; never nil.
func (db *DB) EscalationPolicies(orgID string) ([]EscalationPolicy, error) {
	var out []EscalationPolicy
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subEscalationPolicies)
		if err != nil {
			return err
		}
		out, err = listJSON[EscalationPolicy](b)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateEscalationPolicy loads policy id of orgID, lets fn change it and stores it, in one
// write transaction; an error from fn aborts and is returned as is. A changed name is
// re-checked for uniqueness (ErrConflict). ID, OrgID and CreatedAt cannot change.
func (db *DB) UpdateEscalationPolicy(orgID, id string, fn func(*EscalationPolicy) error, change *Change) (*EscalationPolicy, error) {
	var p EscalationPolicy
	err := db.update(orgID, change, func(tx txn) error {
		if err := getEscalationPolicy(tx, orgID, id, &p); err != nil {
			return err
		}
		oldKey, created := channelNameKey(p.Name), p.CreatedAt
		if err := fn(&p); err != nil {
			return err
		}
		p.ID, p.OrgID, p.CreatedAt, p.UpdatedAt = id, orgID, created, db.stamp()
		if newKey := channelNameKey(p.Name); string(newKey) != string(oldKey) {
			if err := renameIndexed(tx, orgID, subEscalationNames, oldKey, newKey, id, errPolicyNameTaken); err != nil {
				return err
			}
		}
		b, err := orgSub(tx, orgID, subEscalationPolicies)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(id), &p)
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// DeleteEscalationPolicy removes policy id of orgID and frees its name; ErrNotFound
// otherwise. While an alert rule of the organization names the policy the delete is
// refused with ErrConflict, unless force is set; a forced delete leaves those rules
// pointing at nothing, which alerting treats as "no escalation" (SPEC §3.12).
func (db *DB) DeleteEscalationPolicy(orgID, id string, force bool, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var p EscalationPolicy
		if err := getEscalationPolicy(tx, orgID, id, &p); err != nil {
			return err
		}
		if !force {
			if rule, err := ruleUsingPolicy(tx, orgID, id); err != nil {
				return err
			} else if rule != "" {
				return conflictf(entityPolicy, "Cannot delete: escalation policy %q is used by alert rule %q.", p.Name, rule)
			}
		}
		names, err := orgSub(tx, orgID, subEscalationNames)
		if err != nil {
			return err
		}
		if err := names.Delete(channelNameKey(p.Name)); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subEscalationPolicies)
		if err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// ruleUsingPolicy returns the name of an alert rule of orgID whose escalation_policy_id is
// policyID, or "" when none is. It reads only that field, so it does not depend on the
// rest of the rule's shape.
func ruleUsingPolicy(tx txn, orgID, policyID string) (string, error) {
	ob, err := orgBucket(tx, orgID)
	if err != nil {
		return "", err
	}
	rules := ob.Bucket([]byte(subAlertRules))
	if !rules.exists() {
		return "", nil
	}
	var found string
	err = rules.ForEach(func(_, v []byte) error {
		var r struct {
			Name               string `json:"name"`
			EscalationPolicyID string `json:"escalation_policy_id"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if r.EscalationPolicyID == policyID {
			found = r.Name
			return errStopIteration
		}
		return nil
	})
	if errors.Is(err, errStopIteration) {
		err = nil
	}
	return found, err
}

// errStopIteration ends a ForEach early; it never leaves the function that uses it.
var errStopIteration = errors.New("store: stop iteration")

// getEscalationPolicy decodes orgs/<orgID>/escalation_policies/<id> into p.
func getEscalationPolicy(tx txn, orgID, id string, p *EscalationPolicy) error {
	b, err := orgSub(tx, orgID, subEscalationPolicies)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), p, entityPolicy)
}
