package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// AlertTx is the alert state machine's view of one write transaction: what the evaluator
// and the escalator read (organizations, rules, channels, teams, users) and write (rule
// counters, alerts with their indexes, outbox entries, events), all committed together.
// Reads of organization-wide lists are cached for the transaction's lifetime, so a recorder
// group of a thousand results decodes each organization's channels once; rules are cached
// across transactions until a rule changes (alert_tx_rules.go). An
// AlertTx is valid only inside the callback that received it.
type AlertTx struct {
	db    *DB
	tx    txn
	orgs  map[string]*Organization // nil value: organization gone
	rules map[string]*orgRules
	// shared: this view may fill the DB's cross-transaction rule cache (false in the
	// transactions that change rules, whose uncommitted rules must not be cached).
	shared   bool
	channels map[string][]NotificationChannel
	buckets  map[string]*alertBuckets
	queued   bool
	writes   int
	ev       ResultEvent // reused for every result of the batch (seriesWriter.add)
}

// alertBuckets caches an organization's alert buckets that exist (missing: not yet created).
type alertBuckets struct{ state, open bucket }

func (db *DB) newAlertTx(tx txn) *AlertTx {
	return &AlertTx{db: db, tx: tx, orgs: map[string]*Organization{}, rules: map[string]*orgRules{},
		channels: map[string][]NotificationChannel{}, buckets: map[string]*alertBuckets{}, shared: true}
}

// Org returns organization orgID (cached per transaction), or ErrNotFound.
func (t *AlertTx) Org(orgID string) (*Organization, error) {
	o, seen := t.orgs[orgID]
	if !seen {
		o = new(Organization)
		if err := getOrganization(t.tx, orgID, o); errors.Is(err, ErrNotFound) {
			o = nil
		} else if err != nil {
			return nil, err
		}
		t.orgs[orgID] = o
	}
	if o == nil {
		return nil, notFoundf(entityOrganization, "organization %q", orgID)
	}
	return o, nil
}

// Channels returns every notification channel of orgID (cached per transaction; do not
// modify the slice).
func (t *AlertTx) Channels(orgID string) ([]NotificationChannel, error) {
	if chs, ok := t.channels[orgID]; ok {
		return chs, nil
	}
	b, err := orgSub(t.tx, orgID, subChannels)
	if err != nil {
		return nil, err
	}
	chs, err := listJSON[NotificationChannel](b)
	if err != nil {
		return nil, err
	}
	t.channels[orgID] = chs
	return chs, nil
}

// Service returns service id of orgID as stored (before this transaction's recorder
// write-back), or ErrNotFound.
func (t *AlertTx) Service(orgID, id string) (*Service, error) {
	var s Service
	ob, err := orgBucket(t.tx, orgID)
	if err != nil {
		return nil, err
	}
	if err := readService(ob, id, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// EscalationPolicy returns policy id of orgID, or ErrNotFound.
func (t *AlertTx) EscalationPolicy(orgID, id string) (*EscalationPolicy, error) {
	var p EscalationPolicy
	if err := getEscalationPolicy(t.tx, orgID, id, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// TeamMemberIDs returns the user IDs of team teamID of orgID (ErrNotFound for no such team).
func (t *AlertTx) TeamMemberIDs(orgID, teamID string) ([]string, error) {
	if err := getTeam(t.tx, orgID, teamID, &Team{}); err != nil {
		return nil, err
	}
	b, err := orgSub(t.tx, orgID, subTeamMembers)
	if err != nil || !b.exists() {
		return nil, err
	}
	var ids []string
	prefix := compositeKey(teamID, "")
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	return ids, nil
}

// MemberEmail returns the e-mail address of userID if they are a member of orgID;
// ErrNotFound otherwise (a user who left is not paged for the organization).
func (t *AlertTx) MemberEmail(orgID, userID string) (string, error) {
	if err := getMember(t.tx, orgID, userID, &Membership{}); err != nil {
		return "", err
	}
	var u User
	if err := getUser(t.tx, userID, &u); err != nil {
		return "", err
	}
	return u.Email, nil
}

// InstanceAdmin returns the instance administrator (SPEC §2.5) and the oldest organization
// they belong to (where instance-level notifications are queued); ErrNotFound when there is
// none yet.
func (t *AlertTx) InstanceAdmin() (*User, string, error) {
	var admin *User
	err := t.tx.Bucket([]byte(bucketUsers)).ForEach(func(_, v []byte) error {
		var u User
		if err := json.Unmarshal(v, &u); err != nil {
			return fmt.Errorf("store: decode user: %w", err)
		}
		if u.IsInstanceAdmin {
			admin = &u
			return errStopIteration
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStopIteration) {
		return nil, "", err
	}
	if admin == nil {
		return nil, "", notFoundf(entityUser, "instance admin")
	}
	prefix := compositeKey(admin.ID, "")
	c := t.tx.Bucket([]byte(bucketIdxUserOrgs)).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		orgID := string(k[len(prefix):])
		if _, err := t.Org(orgID); err == nil {
			return admin, orgID, nil
		}
	}
	return nil, "", notFoundf(entityOrganization, "organization of the instance admin")
}
