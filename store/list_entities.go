package store

import "errors"

// The paged lists of the API (SPEC §2): each reads one page — up to ListQuery.Limit
// records after its cursor, in the order the list has always answered — and the cursor of
// the next, applying keep (the list's filters; nil keeps every record) while it scans, as
// readPage describes. Records keyed by their ID are listed in ID order, which for UUIDv7
// IDs is creation order; a list in any other order walks an index kept in that order.

// ListServices pages through orgID's services in ID order, each with its latest result
// laid over its record (overlayLast) before keep sees it.
func (db *DB) ListServices(orgID string, q ListQuery, keep func(*Service) bool) (out []Service, next string, err error) {
	err = db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		var overlayErr error
		withLast := func(s *Service) bool {
			if overlayErr == nil {
				overlayErr = overlayLast(ob, s)
			}
			return overlayErr == nil && (keep == nil || keep(s))
		}
		s := listScan{cursor: listCursor{subServices, orgID}, b: ob.Bucket([]byte(subServices))}
		out, next, err = readPage(s, q, withLast)
		return errors.Join(err, overlayErr)
	})
	return out, next, err
}

// ListChannels pages through orgID's notification channels in ID order.
func (db *DB) ListChannels(orgID string, q ListQuery, keep func(*NotificationChannel) bool) ([]NotificationChannel, string, error) {
	return listOrgBucket(db, orgID, subChannels, q, keep)
}

// ListWebhooks pages through orgID's webhook subscriptions in ID order.
func (db *DB) ListWebhooks(orgID string, q ListQuery, keep func(*Webhook) bool) ([]Webhook, string, error) {
	return listOrgBucket(db, orgID, subWebhooks, q, keep)
}

// ListHeartbeats pages through orgID's heartbeats in ID order.
func (db *DB) ListHeartbeats(orgID string, q ListQuery, keep func(*Heartbeat) bool) ([]Heartbeat, string, error) {
	return listOrgBucket(db, orgID, subHeartbeats, q, keep)
}

// ListStatusPages pages through orgID's status pages in ID order.
func (db *DB) ListStatusPages(orgID string, q ListQuery, keep func(*StatusPage) bool) ([]StatusPage, string, error) {
	return listOrgBucket(db, orgID, subStatusPages, q, keep)
}

// ListEscalationPolicies pages through orgID's escalation policies in ID order.
func (db *DB) ListEscalationPolicies(orgID string, q ListQuery, keep func(*EscalationPolicy) bool) ([]EscalationPolicy, string, error) {
	return listOrgBucket(db, orgID, subEscalationPolicies, q, keep)
}

// ListTeams pages through orgID's teams in ID order.
func (db *DB) ListTeams(orgID string, q ListQuery, keep func(*Team) bool) ([]Team, string, error) {
	return listOrgBucket(db, orgID, subTeams, q, keep)
}

// ListAPIKeys pages through orgID's API keys in ID order.
func (db *DB) ListAPIKeys(orgID string, q ListQuery, keep func(*APIKey) bool) ([]APIKey, string, error) {
	return listOrgBucket(db, orgID, subAPIKeys, q, keep)
}

// ListInvitations pages through orgID's pending invitations in ID order.
func (db *DB) ListInvitations(orgID string, q ListQuery, keep func(*Invitation) bool) ([]Invitation, string, error) {
	return listOrgBucket(db, orgID, subInvitations, q, keep)
}

// ListAlertRules pages through orgID's alert rules in ID order.
func (db *DB) ListAlertRules(orgID string, q ListQuery, keep func(*AlertRule) bool) ([]AlertRule, string, error) {
	return listOrgBucket(db, orgID, subAlertRules, q, keep)
}

// ListMaintenanceWindows pages through orgID's maintenance windows in ID order.
func (db *DB) ListMaintenanceWindows(orgID string, q ListQuery, keep func(*MaintenanceWindow) bool) ([]MaintenanceWindow, string, error) {
	return listOrgBucket(db, orgID, subMaintenance, q, keep)
}

// ListMembers pages through orgID's memberships in membership-ID order (the order they
// joined in), through the member_ids index.
func (db *DB) ListMembers(orgID string, q ListQuery) (out []Membership, next string, err error) {
	err = db.view(func(tx txn) error {
		members, err := orgSub(tx, orgID, subMembers)
		if err != nil {
			return err
		}
		idx, err := orgSub(tx, orgID, subMemberIDs)
		if err != nil {
			return err
		}
		s := listScan{cursor: listCursor{"members", orgID}, b: idx, record: lookupIn(members)}
		out, next, err = readPage[Membership](s, q, nil)
		return err
	})
	return out, next, err
}

// ListTeamMembers pages through the members of team teamID in user-ID order; ErrNotFound
// for a team that is not orgID's.
func (db *DB) ListTeamMembers(orgID, teamID string, q ListQuery) (out []TeamMember, next string, err error) {
	err = db.view(func(tx txn) error {
		if err := getTeam(tx, orgID, teamID, &Team{}); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subTeamMembers)
		if err != nil {
			return err
		}
		s := listScan{cursor: listCursor{"team members", orgID + "/" + teamID}, b: b, prefix: compositeKey(teamID, "")}
		out, next, err = readPage[TeamMember](s, q, nil)
		return err
	})
	return out, next, err
}

// ListIncidents pages through the incidents of status page pageID in ID (creation) order;
// ErrNotFound for a page that is not orgID's.
func (db *DB) ListIncidents(orgID, pageID string, q ListQuery) (out []Incident, next string, err error) {
	return listPageIndex[Incident](db, orgID, pageID, "incidents", subPageIncidents, subIncidents, q)
}

// ListSubscribers pages through the subscribers of status page pageID in ID order;
// ErrNotFound for a page that is not orgID's.
func (db *DB) ListSubscribers(orgID, pageID string, q ListQuery) (out []Subscriber, next string, err error) {
	return listPageIndex[Subscriber](db, orgID, pageID, "subscribers", subPageSubscribers, subSubscribers, q)
}

// ListOrganizations pages through every organization of the instance in ID order (the
// instance admin's list); organizations being deleted are passed over.
func (db *DB) ListOrganizations(q ListQuery) (out []Organization, next string, err error) {
	err = db.view(func(tx txn) error {
		orgs := tx.Bucket([]byte(bucketOrgs))
		s := listScan{cursor: listCursor{"organizations", ""}, b: orgs, record: func(k, _ []byte) []byte {
			if ob := orgs.Bucket(k); ob.exists() {
				return ob.Get([]byte(orgInfoKey))
			}
			return nil
		}}
		out, next, err = readPage[Organization](s, q, nil)
		return err
	})
	return out, next, err
}

// listOrgBucket pages through the records of orgID's child bucket sub, keyed by their IDs.
func listOrgBucket[T any](db *DB, orgID, sub string, q ListQuery, keep func(*T) bool) (out []T, next string, err error) {
	err = db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, sub)
		if err != nil {
			return err
		}
		out, next, err = readPage(listScan{cursor: listCursor{sub, orgID}, b: b}, q, keep)
		return err
	})
	return out, next, err
}

// listPageIndex pages through the records of a status page held in bucket records and
// listed in index (keys pageID/recordID), after checking the page is orgID's.
func listPageIndex[T any](db *DB, orgID, pageID, list, index, records string, q ListQuery) (out []T, next string, err error) {
	err = db.view(func(tx txn) error {
		if err := getStatusPage(tx, orgID, pageID, &StatusPage{}); err != nil {
			return err
		}
		idx, err := orgSub(tx, orgID, index)
		if err != nil {
			return err
		}
		recs, err := orgSub(tx, orgID, records)
		if err != nil {
			return err
		}
		prefix := compositeKey(pageID, "")
		s := listScan{cursor: listCursor{list, orgID + "/" + pageID}, b: idx, prefix: prefix,
			record: func(k, _ []byte) []byte {
				if !recs.exists() {
					return nil
				}
				return recs.Get(k[len(prefix):])
			}}
		out, next, err = readPage[T](s, q, nil)
		return err
	})
	return out, next, err
}

// lookupIn resolves an index entry whose value is a key of records.
func lookupIn(records bucket) func(k, v []byte) []byte {
	return func(_, v []byte) []byte {
		if !records.exists() || v == nil {
			return nil
		}
		return records.Get(v)
	}
}
