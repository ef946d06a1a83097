package store

import (
	"strings"
	"time"
)

// Probe locations (SPEC §8). An organization location lives in its organization's bucket
// and serves only that organization; an instance location lives in global buckets and
// serves every organization. Names are unique among every location an organization may
// use (the instance's and its own), because services name the locations they are checked
// from: an organization location may not take an instance location's name, and an
// instance location may not take any organization's. The built-in location (LOCATION_NAME)
// is the appliance itself and is not stored; the API keeps its name free.
//
//	instance_locations            locationID → Location JSON            (created on first write)
//	idx_instance_location_name    name → locationID                     (created on first write)
//	orgs/<orgID>/locations        locationID → Location JSON
//	orgs/<orgID>/location_names   name → locationID
const (
	bucketInstanceLocations     = "instance_locations"
	bucketIdxInstanceLocName    = "idx_instance_location_name"
	subLocations                = "locations"
	subLocationNames            = "location_names"
	entityLocation              = "Location"
	instanceOwner               = "instance" // owner part of index values for instance records
	locationScopeInstance       = "instance"
	locationScopeOrganization   = "organization"
	errLocationNameTakenMessage = "A location named \"%s\" already exists."
)

// Location is a probe location: where agents check services from.
type Location struct {
	ID string `json:"id"`
	// OrgID is the organization the location serves; "" for an instance location.
	OrgID       string    `json:"org_id,omitempty"`
	Name        string    `json:"name"`
	DisplayName string    `json:"display_name"`
	CreatedBy   string    `json:"created_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Scope is "instance" or "organization", as the API shows it.
func (l *Location) Scope() string {
	if l.OrgID == "" {
		return locationScopeInstance
	}
	return locationScopeOrganization
}

// locationHome is where one scope's locations and agent tokens live: an organization's
// bucket (orgID set) or the instance's global buckets (orgID "").
type locationHome struct{ orgID string }

// owner is the first part of the index values that point into this home.
func (h locationHome) owner() string {
	if h.orgID == "" {
		return instanceOwner
	}
	return h.orgID
}

// bucket returns the home's bucket of kind (subLocations, subLocationNames, subAgentTokens):
// created in a write transaction, possibly missing in a read one (getJSON and listJSON
// read a missing bucket as empty). An organization that does not exist is ErrNotFound.
func (h locationHome) bucket(tx txn, kind string) (bucket, error) {
	if h.orgID != "" {
		return orgSub(tx, h.orgID, kind)
	}
	name := map[string]string{subLocations: bucketInstanceLocations, subLocationNames: bucketIdxInstanceLocName,
		subAgentTokens: bucketInstanceAgentTokens}[kind]
	if !tx.Writable() {
		return tx.Bucket([]byte(name)), nil
	}
	return tx.CreateBucketIfNotExists([]byte(name))
}

// locationNameKey is the name-index key: names are slugs, compared as given.
func locationNameKey(name string) []byte { return []byte(strings.TrimSpace(name)) }

// nameTaken reports whether name is used by a location that shares a namespace with the
// home's: for an organization its own and the instance's; for the instance its own and
// every organization's.
func (h locationHome) nameTaken(tx txn, name string) (bool, error) {
	key := locationNameKey(name)
	if b := tx.Bucket([]byte(bucketIdxInstanceLocName)); b.exists() && b.Get(key) != nil {
		return true, nil
	}
	if h.orgID != "" {
		own, err := h.bucket(tx, subLocationNames)
		return own.exists() && own.Get(key) != nil, err
	}
	orgs := tx.Bucket([]byte(bucketOrgs))
	taken := false
	err := orgs.ForEachBucket(func(orgID []byte) error {
		names := orgs.Bucket(orgID).Bucket([]byte(subLocationNames))
		if names.exists() && names.Get(key) != nil {
			taken = true
		}
		return nil
	})
	return taken, err
}

// createLocation stores l in home h. l.ID and CreatedAt are filled when empty; OrgID is set.
func (db *DB) createLocation(h locationHome, l *Location, logOrgID string, change *Change) error {
	return db.update(logOrgID, change, func(tx txn) error {
		locs, err := h.bucket(tx, subLocations)
		if err != nil {
			return err
		}
		names, err := h.bucket(tx, subLocationNames)
		if err != nil {
			return err
		}
		if taken, err := h.nameTaken(tx, l.Name); err != nil {
			return err
		} else if taken {
			return conflictf(entityLocation, errLocationNameTakenMessage, l.Name)
		}
		if l.ID == "" {
			l.ID = NewID()
		}
		if l.CreatedAt.IsZero() {
			l.CreatedAt = db.stamp()
		}
		l.OrgID = h.orgID
		if locs.Get([]byte(l.ID)) != nil {
			return conflictf(entityLocation, "A location with ID %s already exists.", l.ID)
		}
		if err := names.Put(locationNameKey(l.Name), []byte(l.ID)); err != nil {
			return err
		}
		return putJSON(locs, []byte(l.ID), l)
	})
}

// location reads location id of home h into l.
func (h locationHome) location(tx txn, id string, l *Location) error {
	locs, err := h.bucket(tx, subLocations)
	if err != nil {
		return err
	}
	return getJSON(locs, []byte(id), l, entityLocation)
}

// getLocation returns location id of home h.
func (db *DB) getLocation(h locationHome, id string) (*Location, error) {
	var l Location
	if err := db.view(func(tx txn) error { return h.location(tx, id, &l) }); err != nil {
		return nil, err
	}
	return &l, nil
}

// listLocations returns every location of home h, oldest first; never nil.
func (db *DB) listLocations(h locationHome) ([]Location, error) {
	var out []Location
	err := db.view(func(tx txn) error {
		locs, err := h.bucket(tx, subLocations)
		if err != nil {
			return err
		}
		out, err = listJSON[Location](locs)
		return err
	})
	return out, err
}

// updateLocation lets fn change location id of home h. The name, ID, organization and
// creation time stay as they were: services refer to locations by name.
func (db *DB) updateLocation(h locationHome, id string, fn func(*Location) error, logOrgID string, change *Change) (*Location, error) {
	var l Location
	err := db.update(logOrgID, change, func(tx txn) error {
		if err := h.location(tx, id, &l); err != nil {
			return err
		}
		before := l
		if err := fn(&l); err != nil {
			return err
		}
		l.ID, l.OrgID, l.Name, l.CreatedAt = before.ID, before.OrgID, before.Name, before.CreatedAt
		locs, err := h.bucket(tx, subLocations)
		if err != nil {
			return err
		}
		return putJSON(locs, []byte(id), &l)
	})
	if err != nil {
		return nil, err
	}
	return &l, nil
}

// deleteLocation removes location id of home h with its name and every agent token of it
// (record and digest), in one transaction.
func (db *DB) deleteLocation(h locationHome, id string, logOrgID string, change *Change) error {
	return db.update(logOrgID, change, func(tx txn) error {
		var l Location
		if err := h.location(tx, id, &l); err != nil {
			return err
		}
		if err := deleteLocationTokens(tx, h, id); err != nil {
			return err
		}
		names, err := h.bucket(tx, subLocationNames)
		if err != nil {
			return err
		}
		if string(names.Get(locationNameKey(l.Name))) == id {
			if err := names.Delete(locationNameKey(l.Name)); err != nil {
				return err
			}
		}
		locs, err := h.bucket(tx, subLocations)
		if err != nil {
			return err
		}
		return locs.Delete([]byte(id))
	})
}
