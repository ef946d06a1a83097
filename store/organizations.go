package store

import (
	"errors"
	"fmt"
	"time"

	berrors "go.etcd.io/bbolt/errors"
)

// Organization is a tenant: everything except users and global indexes lives in its bucket.
type Organization struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Slug        string      `json:"slug"`
	PlanType    string      `json:"plan_type"`
	MaxServices int         `json:"max_services"`
	Settings    OrgSettings `json:"settings"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`

	// AuditRetentionDays is the instance admin's audit-log window for this organization
	// (at most MaxAuditRetentionDays); 0 follows the plan (AuditRetentionWindow).
	AuditRetentionDays int `json:"audit_retention_days,omitempty"`
}

// OrgSettings are organization-wide defaults: the timezone for reports and the alert
// defaults new rules start from.
type OrgSettings struct {
	Timezone      string        `json:"timezone"`
	AlertDefaults AlertDefaults `json:"alert_defaults"`
	// DefaultLocations are the probe locations (names, SPEC §8) a new service is checked
	// from when it names none; empty means the built-in location (LOCATION_NAME).
	DefaultLocations []string `json:"default_locations,omitempty"`
	// RequireMFA sends members without a second factor to enrol one at their next
	// sign-in (SPEC §10).
	RequireMFA bool `json:"require_mfa,omitempty"`
}

// AlertDefaults are the organization's default alert rule parameters.
type AlertDefaults struct {
	Severity             string   `json:"severity"`
	ConsecutiveFailures  int      `json:"consecutive_failures"`
	ConsecutiveSuccesses int      `json:"consecutive_successes"`
	NotifyOnRecovery     bool     `json:"notify_on_recovery"`
	Statuses             []string `json:"statuses"`
}

// DefaultOrgSettings returns the settings of a new organization: UTC; critical alerts after 2
// consecutive failures, resolved after 1 success, notify on recovery, on status RED.
func DefaultOrgSettings() OrgSettings {
	return OrgSettings{
		Timezone: "UTC",
		AlertDefaults: AlertDefaults{
			Severity:             "critical",
			ConsecutiveFailures:  2,
			ConsecutiveSuccesses: 1,
			NotifyOnRecovery:     true,
			Statuses:             []string{"RED"},
		},
	}
}

// Defaults for an organization created without a plan (SPEC §2.2: registration gives free/5).
const (
	defaultPlanType    = "free"
	defaultMaxServices = 5
	roleOwner          = "owner"
	roleMember         = "member"
)

// CreateOrganization creates an organization owned by owner.UserID (ErrNotFound if that user
// does not exist). Empty fields are filled: ID, times, Slug (derived from Name), PlanType
// ("free", with MaxServices 5 when that is 0) and Settings (DefaultOrgSettings when the
// timezone is empty). The slug is made unique by suffixing -2, -3, ... The owner membership
// always gets role "owner", this organization's ID and a new ID/JoinedAt when empty.
func (db *DB) CreateOrganization(org *Organization, owner *Membership) error {
	return db.update("", nil, func(tx txn) error {
		if err := getUser(tx, owner.UserID, &User{}); err != nil {
			return err
		}
		return db.insertOrganization(tx, org, owner.UserID, owner)
	})
}

// insertOrganization writes the organization bucket, its info, slug index and the owner's
// membership (+ idx_user_orgs) inside tx.
func (db *DB) insertOrganization(tx txn, org *Organization, userID string, owner *Membership) error {
	now := db.stamp()
	if org.ID == "" {
		org.ID = NewID()
	}
	if org.CreatedAt.IsZero() {
		org.CreatedAt = now
	}
	if org.UpdatedAt.IsZero() {
		org.UpdatedAt = org.CreatedAt
	}
	if org.PlanType == "" {
		org.PlanType = defaultPlanType
		if org.MaxServices == 0 {
			org.MaxServices = defaultMaxServices
		}
	}
	if org.Settings.Timezone == "" {
		org.Settings = DefaultOrgSettings()
	}
	base := org.Slug
	if base == "" {
		base = slugify(org.Name)
	}
	slugs := tx.Bucket([]byte(bucketIdxOrgSlug))
	for n := 1; ; n++ {
		if org.Slug = slugCandidate(base, n); slugs.Get([]byte(org.Slug)) == nil {
			break
		}
	}
	orgs := tx.Bucket([]byte(bucketOrgs))
	ob, err := orgs.CreateBucket([]byte(org.ID))
	if errors.Is(err, berrors.ErrBucketExists) {
		return conflictf(entityOrganization, "An organization with ID %s already exists.", org.ID)
	} else if err != nil {
		return err
	}
	for _, name := range orgSubBuckets() {
		if _, err := ob.CreateBucket([]byte(name)); err != nil {
			return err
		}
	}
	if err := putJSON(ob, []byte(orgInfoKey), org); err != nil {
		return err
	}
	if err := slugs.Put([]byte(org.Slug), []byte(org.ID)); err != nil {
		return err
	}
	owner.UserID, owner.Role = userID, roleOwner
	return db.insertMember(tx, org.ID, owner)
}

// Organization returns the organization, or ErrNotFound (also while it is being deleted).
func (db *DB) Organization(orgID string) (*Organization, error) {
	var org Organization
	err := db.view(func(tx txn) error {
		return getOrganization(tx, orgID, &org)
	})
	if err != nil {
		return nil, err
	}
	return &org, nil
}

// OrganizationBySlug returns the organization with the given slug, or ErrNotFound.
func (db *DB) OrganizationBySlug(slug string) (*Organization, error) {
	var org Organization
	err := db.view(func(tx txn) error {
		id := tx.Bucket([]byte(bucketIdxOrgSlug)).Get([]byte(slug))
		if id == nil {
			return notFoundf(entityOrganization, "organization with slug %q", slug)
		}
		return getOrganization(tx, string(id), &org)
	})
	if err != nil {
		return nil, err
	}
	return &org, nil
}

// Organizations returns every organization on the instance, oldest first (instance admin).
func (db *DB) Organizations() ([]Organization, error) {
	out := make([]Organization, 0)
	err := db.view(func(tx txn) error {
		return tx.Bucket([]byte(bucketOrgs)).ForEachBucket(func(id []byte) error {
			var org Organization
			switch err := getOrganization(tx, string(id), &org); {
			case errors.Is(err, ErrNotFound):
				return nil // detached: being deleted
			case err != nil:
				return err
			}
			out = append(out, org)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateOrganization loads the organization, lets fn change it and stores it. A changed slug
// is re-indexed (ErrConflict if another organization has it; no suffixing here, the caller
// chose it). fn runs inside the write transaction; an error from fn aborts and is returned
// as is. ID and CreatedAt cannot be changed; UpdatedAt is set.
func (db *DB) UpdateOrganization(orgID string, fn func(*Organization) error, change *Change) (*Organization, error) {
	var org Organization
	err := db.update(orgID, change, func(tx txn) error {
		if err := getOrganization(tx, orgID, &org); err != nil {
			return err
		}
		oldSlug, created := org.Slug, org.CreatedAt
		if err := fn(&org); err != nil {
			return err
		}
		org.ID, org.CreatedAt, org.UpdatedAt = orgID, created, db.stamp()
		if org.Slug != oldSlug {
			if org.Slug == "" {
				return errors.New("store: organization slug is empty")
			}
			slugs := tx.Bucket([]byte(bucketIdxOrgSlug))
			if slugs.Get([]byte(org.Slug)) != nil {
				return conflictf(entityOrganization, "That slug is already used by another organization.")
			}
			if err := slugs.Delete([]byte(oldSlug)); err != nil {
				return err
			}
			if err := slugs.Put([]byte(org.Slug), []byte(orgID)); err != nil {
				return err
			}
		}
		ob, _ := orgBucket(tx, orgID)
		return putJSON(ob, []byte(orgInfoKey), &org)
	})
	if err != nil {
		return nil, err
	}
	return &org, nil
}

// getOrganization decodes orgs/<orgID>/info into org.
func getOrganization(tx txn, orgID string, org *Organization) error {
	ob, err := orgBucket(tx, orgID)
	if err != nil {
		return err
	}
	if err := getJSON(ob, []byte(orgInfoKey), org, entityOrganization); err != nil {
		return fmt.Errorf("store: organization %s: %w", orgID, err)
	}
	return nil
}
