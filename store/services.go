package store

import (
	"encoding/json"
	"strings"
	"time"
)

// subServiceNames is the organization's service-name index, a sibling of the services
// bucket (which holds only service records keyed by ID, so CountServices can count its
// keys): lower(trimmed name) → serviceID. It makes the uniqueness check of a create or
// rename one lookup instead of a scan of every service.
const subServiceNames = "service_names"

// Service is a monitored endpoint of one organization (SPEC §3.6), in its storage encoding.
// Options are the normalized, non-secret per-type options (header values masked); every
// secret (auth credentials, header values) is sealed by the API before it reaches the store,
// bound to the organization and the service ID, so the store never sees plaintext.
type Service struct {
	ID                   string   `json:"id"`
	OrgID                string   `json:"org_id"`
	Name                 string   `json:"name"`
	Description          string   `json:"description"`
	Environment          string   `json:"environment"`
	Endpoint             string   `json:"endpoint"`
	CheckType            string   `json:"check_type"`
	CheckIntervalSeconds int      `json:"check_interval_seconds"`
	TimeoutSeconds       int      `json:"timeout_seconds"`
	Status               string   `json:"status"`
	Paused               bool     `json:"paused"`
	Tags                 []string `json:"tags"`
	DegradedThresholdMS  int      `json:"degraded_threshold_ms"`
	// ResponseTimeWarningMS and ResponseTimeCriticalMS are the response-time thresholds
	// (0: unset): slower passing checks are YELLOW (the warning one replaces
	// DegradedThresholdMS) and RED; the default rule's alerts take their severity from
	// them (warning, critical).
	ResponseTimeWarningMS  int             `json:"response_time_warning,omitempty"`
	ResponseTimeCriticalMS int             `json:"response_time_critical,omitempty"`
	SLATarget              *float64        `json:"sla_target,omitempty"`
	Options                json.RawMessage `json:"options,omitempty"`
	Auth                   *SealedAuth     `json:"auth,omitempty"`
	// SealedHeaders maps a canonical header name to its sealed value.
	SealedHeaders      map[string][]byte `json:"sealed_headers,omitempty"`
	LastCheckedAt      *time.Time        `json:"last_checked_at,omitempty"`
	LastResponseTimeMS *int              `json:"last_response_time_ms,omitempty"`
	LastStatusCode     *int              `json:"last_status_code,omitempty"`
	LastError          string            `json:"last_error,omitempty"`
	// LastTimings split the latest result's response time into its phases;
	// nil when that check had none to report (they are not kept per result).
	LastTimings *Timings `json:"last_timings,omitempty"`
	// Certificate is the TLS certificate the latest check that saw one got.
	Certificate *Certificate `json:"certificate,omitempty"`
	// CertNotice is what the ssl.* events last said about the service's certificate, so
	// each transition is announced once, across restarts too. The alert evaluator keeps
	// it, inside the transaction of the result it judged.
	CertNotice *CertNotice `json:"cert_notice,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
	UpdatedAt  time.Time   `json:"updated_at"`

	// Locations are the probe locations (names, SPEC §8) that check the service; empty
	// means the built-in location alone. LocationQuorum is how many of them must see a
	// failure for the service to fail; 0 means ceil(n/2) (Quorum).
	Locations      []string `json:"locations,omitempty"`
	LocationQuorum int      `json:"location_quorum,omitempty"`
	// LocationStatus and LocationCheckedAt are, for a service of several locations, each
	// location's latest result (status and check time); the service's Status is their
	// quorum verdict (service_locations.go).
	LocationStatus    map[string]string    `json:"location_status,omitempty"`
	LocationCheckedAt map[string]time.Time `json:"location_checked_at,omitempty"`
	// LastLocation is, for a service of several locations, where the latest result
	// (Last*) came from.
	LastLocation string `json:"last_location,omitempty"`
}

// CertNotice is the certificate state the ssl.* events last announced for a service.
type CertNotice struct {
	// Fingerprint is the leaf's hex SHA-256 ("" when unknown).
	Fingerprint string `json:"fingerprint_sha256,omitempty"`
	// State is "valid", "expiring" (inside the warning days) or "expired".
	State string `json:"state"`
}

// Certificate is a TLS certificate as a check saw it.
type Certificate struct {
	Issuer          string    `json:"issuer"`
	Subject         string    `json:"subject"`
	DNSNames        []string  `json:"dns_names,omitempty"`
	ValidFrom       time.Time `json:"valid_from"`
	ValidTo         time.Time `json:"valid_to"`
	DaysUntilExpiry int       `json:"days_until_expiry"`
	CheckedAt       time.Time `json:"checked_at"`
	// Fingerprint is the hex SHA-256 of the leaf certificate (DER): the ssl.changed event
	// compares it ("" when the result came without one).
	Fingerprint string `json:"fingerprint_sha256,omitempty"`
}

// Timings are how long the phases of one check took (the probe's Timings): zero for a
// phase the check did not go through.
type Timings struct {
	DNS       time.Duration `json:"dns,omitempty"`
	Connect   time.Duration `json:"connect,omitempty"`
	TLS       time.Duration `json:"tls,omitempty"`
	FirstByte time.Duration `json:"first_byte,omitempty"`
}

// SealedAuth is a service's probe credential: its type ("basic", "bearer", "header") in
// clear, so responses can say what is configured, and the credential itself sealed.
type SealedAuth struct {
	Type   string `json:"type"`
	Sealed []byte `json:"sealed"`
}

// serviceNameKey is the name-index key: names are unique per organization regardless of
// case and surrounding spaces.
func serviceNameKey(name string) []byte {
	return []byte(strings.ToLower(strings.TrimSpace(name)))
}

// CreateService stores a new service in organization orgID. A service name is unique in its
// organization, compared case-insensitively (ErrConflict): names are the identity that
// configuration-as-code export/import matches on, so two services must never share one.
// The organization's plan is enforced in the same write transaction as the insert, so
// concurrent creates cannot overshoot it: with MaxServices ≥ 0 and that many services
// already present the answer is ErrPlanLimit (MaxServices < 0 means unlimited). Nothing is
// written on any refusal. A given ID is kept (the API seals credentials bound to it before
// calling); an empty one is filled, as are CreatedAt/UpdatedAt. OrgID is set to orgID.
func (db *DB) CreateService(orgID string, s *Service, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var org Organization
		if err := getOrganization(tx, orgID, &org); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subServices)
		if err != nil {
			return err
		}
		if n := countKeys(b); org.MaxServices >= 0 && n >= org.MaxServices {
			// "5 of 5": the count against the cap, so the reader knows what to remove or lift.
			return planLimitf(entityService, "Service limit reached: %d of %d services on the %s plan. Remove a service or move to a larger plan.",
				n, org.MaxServices, org.PlanType)
		}
		names, err := orgSub(tx, orgID, subServiceNames)
		if err != nil {
			return err
		}
		if s.ID == "" {
			s.ID = NewID()
		}
		if b.Get([]byte(s.ID)) != nil {
			return conflictf(entityService, "A service with ID %s already exists.", s.ID)
		}
		key := serviceNameKey(s.Name)
		if names.Get(key) != nil {
			return serviceNameTaken(s.Name)
		}
		now := db.stamp()
		if s.CreatedAt.IsZero() {
			s.CreatedAt = now
		}
		s.OrgID, s.UpdatedAt = orgID, now
		if err := names.Put(key, []byte(s.ID)); err != nil {
			return err
		}
		if err := db.putNewSummary(tx, orgID, s.ID); err != nil {
			return err
		}
		return putJSON(b, []byte(s.ID), s)
	})
}

// countKeys counts the records (not nested buckets) of b with a cursor; unlike Stats it
// also sees what the current write transaction has changed.
func countKeys(b bucket) int {
	n := 0
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v != nil {
			n++
		}
	}
	return n
}

// serviceNameTaken is the conflict of a service name another service of the organization
// has; it repeats the name, as the client sent it.
func serviceNameTaken(name string) error {
	return conflictf(entityService, "A service named \"%s\" already exists in this organization.", name)
}

// Service returns service id of organization orgID, or ErrNotFound (also when the service
// belongs to another organization).
func (db *DB) Service(orgID, id string) (*Service, error) {
	var s Service
	err := db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		return readService(ob, id, &s)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Services returns every service of organization orgID in key (creation) order; never nil.
func (db *DB) Services(orgID string) ([]Service, error) {
	var out []Service
	err := db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		out, err = readServices(ob)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateService loads service id of orgID, lets fn change it and stores it, in one write
// transaction (so a read-modify-write never loses a concurrent change). An error from fn
// aborts and is returned as is. A changed name is re-checked for uniqueness (ErrConflict).
// ID, OrgID and CreatedAt cannot be changed; UpdatedAt is set.
func (db *DB) UpdateService(orgID, id string, fn func(*Service) error, change *Change) (*Service, error) {
	var s Service
	err := db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subServices)
		if err != nil {
			return err
		}
		ob, _ := orgBucket(tx, orgID) // exists: orgSub found it
		if err := readService(ob, id, &s); err != nil {
			return err
		}
		oldKey, created := serviceNameKey(s.Name), s.CreatedAt
		if err := fn(&s); err != nil {
			return err
		}
		s.ID, s.OrgID, s.CreatedAt, s.UpdatedAt = id, orgID, created, db.stamp()
		if newKey := serviceNameKey(s.Name); string(newKey) != string(oldKey) {
			names, err := orgSub(tx, orgID, subServiceNames)
			if err != nil {
				return err
			}
			if owner := names.Get(newKey); owner != nil && string(owner) != id {
				return serviceNameTaken(s.Name)
			}
			if err := names.Delete(oldKey); err != nil {
				return err
			}
			if err := names.Put(newKey, []byte(id)); err != nil {
				return err
			}
		}
		return writeService(ob, b, &s)
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteService removes service id of orgID and frees its name; ErrNotFound otherwise.
// From its commit on, RecordResults skips the service's in-flight results. Its history
// (raw results and rollups) stays on disk and out of every query: the caller hands
// PurgeServiceHistory(orgID, id) to a background worker once this returns, so a DELETE
// answers at once however much history there is (SPEC §3.6). If that never happens, the
// Janitor deletes the orphaned series on its next sweep.
func (db *DB) DeleteService(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subServices)
		if err != nil {
			return err
		}
		var s Service
		if err := getJSON(b, []byte(id), &s, entityService); err != nil {
			return err
		}
		names, err := orgSub(tx, orgID, subServiceNames)
		if err != nil {
			return err
		}
		if err := names.Delete(serviceNameKey(s.Name)); err != nil {
			return err
		}
		if err := deleteSummary(tx, orgID, id); err != nil {
			return err
		}
		db.records.forget(orgID, id)
		// The series is not touched here: a year of history is far more than one
		// transaction should delete (see PurgeServiceHistory).
		return b.Delete([]byte(id))
	})
}
