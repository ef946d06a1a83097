package store

// The public location methods, one set per scope. Organization locations are organization
// data: every method takes the organization first and sees only its own locations, so
// another organization's location is ErrNotFound. Instance locations belong to no
// organization; the instance admin's writes are audited in the organization logOrgID
// names (the admin's active one), which change is recorded in ("" with a nil change
// records nothing).

// Locations returns the organization's own locations, oldest first (not the instance's).
func (db *DB) Locations(orgID string) ([]Location, error) {
	return db.listLocations(locationHome{orgID})
}

// Location returns one of the organization's own locations, or ErrNotFound.
func (db *DB) Location(orgID, id string) (*Location, error) {
	return db.getLocation(locationHome{orgID}, id)
}

// CreateLocation stores a new location of the organization. Its name must be free among
// the organization's and the instance's locations (ErrConflict).
func (db *DB) CreateLocation(orgID string, l *Location, change *Change) error {
	if orgID == "" {
		return notFoundf(entityOrganization, "organization %q", orgID)
	}
	return db.createLocation(locationHome{orgID}, l, orgID, change)
}

// UpdateLocation lets fn change one of the organization's locations (its display name);
// the name cannot change.
func (db *DB) UpdateLocation(orgID, id string, fn func(*Location) error, change *Change) (*Location, error) {
	if orgID == "" {
		return nil, notFoundf(entityLocation, "location %q", id)
	}
	return db.updateLocation(locationHome{orgID}, id, fn, orgID, change)
}

// DeleteLocation removes one of the organization's locations and all its agent tokens.
func (db *DB) DeleteLocation(orgID, id string, change *Change) error {
	if orgID == "" {
		return notFoundf(entityLocation, "location %q", id)
	}
	return db.deleteLocation(locationHome{orgID}, id, orgID, change)
}

// InstanceLocations returns the instance's locations, oldest first.
func (db *DB) InstanceLocations() ([]Location, error) {
	return db.listLocations(locationHome{})
}

// InstanceLocation returns one instance location, or ErrNotFound (also for an
// organization's location).
func (db *DB) InstanceLocation(id string) (*Location, error) {
	return db.getLocation(locationHome{}, id)
}

// CreateInstanceLocation stores a new instance location. Its name must be free among
// every location of the instance and of every organization (ErrConflict).
func (db *DB) CreateInstanceLocation(l *Location, logOrgID string, change *Change) error {
	return db.createLocation(locationHome{}, l, logOrgID, change)
}

// UpdateInstanceLocation lets fn change an instance location (its display name).
func (db *DB) UpdateInstanceLocation(id string, fn func(*Location) error, logOrgID string, change *Change) (*Location, error) {
	return db.updateLocation(locationHome{}, id, fn, logOrgID, change)
}

// DeleteInstanceLocation removes an instance location and all its agent tokens.
func (db *DB) DeleteInstanceLocation(id, logOrgID string, change *Change) error {
	return db.deleteLocation(locationHome{}, id, logOrgID, change)
}

// AgentTokens returns the tokens of one of the organization's locations, oldest first.
func (db *DB) AgentTokens(orgID, locationID string) ([]AgentToken, error) {
	if orgID == "" {
		return nil, notFoundf(entityLocation, "location %q", locationID)
	}
	return db.listAgentTokens(locationHome{orgID}, locationID)
}

// CreateAgentToken stores a new token (its digest only) for one of the organization's
// locations.
func (db *DB) CreateAgentToken(orgID, locationID string, t *AgentToken, change *Change) error {
	if orgID == "" {
		return notFoundf(entityLocation, "location %q", locationID)
	}
	return db.createAgentToken(locationHome{orgID}, locationID, t, orgID, change)
}

// DeleteAgentToken revokes a token of one of the organization's locations and returns it.
func (db *DB) DeleteAgentToken(orgID, locationID, tokenID string, change *Change) (*AgentToken, error) {
	if orgID == "" {
		return nil, notFoundf(entityAgentToken, "agent token %q", tokenID)
	}
	return db.deleteAgentToken(locationHome{orgID}, locationID, tokenID, orgID, change)
}

// InstanceAgentTokens returns the tokens of an instance location, oldest first.
func (db *DB) InstanceAgentTokens(locationID string) ([]AgentToken, error) {
	return db.listAgentTokens(locationHome{}, locationID)
}

// CreateInstanceAgentToken stores a new token for an instance location.
func (db *DB) CreateInstanceAgentToken(locationID string, t *AgentToken, logOrgID string, change *Change) error {
	return db.createAgentToken(locationHome{}, locationID, t, logOrgID, change)
}

// DeleteInstanceAgentToken revokes a token of an instance location and returns it.
func (db *DB) DeleteInstanceAgentToken(locationID, tokenID, logOrgID string, change *Change) (*AgentToken, error) {
	return db.deleteAgentToken(locationHome{}, locationID, tokenID, logOrgID, change)
}
