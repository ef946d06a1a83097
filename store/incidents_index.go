package store

import (
	"bytes"
	"errors"
	"time"
)

// putIncident stores inc and its page-index entry.
func putIncident(tx txn, inc *Incident) error {
	b, err := orgSub(tx, inc.OrgID, subIncidents)
	if err != nil {
		return err
	}
	idx, err := orgSub(tx, inc.OrgID, subPageIncidents)
	if err != nil {
		return err
	}
	if err := idx.Put(compositeKey(inc.PageID, inc.ID), nil); err != nil {
		return err
	}
	return putJSON(b, []byte(inc.ID), inc)
}

// removeIncident deletes one incident and its page-index entry.
func removeIncident(tx txn, orgID, pageID, id string) error {
	b, err := orgSub(tx, orgID, subIncidents)
	if err != nil {
		return err
	}
	idx, err := orgSub(tx, orgID, subPageIncidents)
	if err != nil {
		return err
	}
	if err := idx.Delete(compositeKey(pageID, id)); err != nil {
		return err
	}
	return b.Delete([]byte(id))
}

// getIncident decodes incident id into inc, checking it belongs to pageID.
func getIncident(tx txn, orgID, pageID, id string, inc *Incident) error {
	b, err := orgSub(tx, orgID, subIncidents)
	if err != nil {
		return err
	}
	if err := getJSON(b, []byte(id), inc, entityIncident); errors.Is(err, ErrNotFound) || (err == nil && inc.PageID != pageID) {
		return notFoundf(entityIncident, "incident %s on status page %s", id, pageID)
	} else if err != nil {
		return err
	}
	return nil
}

// pageIncidentIDs returns the IDs of a page's incidents, oldest first (copied).
func pageIncidentIDs(tx txn, orgID, pageID string) ([]string, error) {
	idx, err := orgSub(tx, orgID, subPageIncidents)
	if err != nil || !idx.exists() {
		return nil, err
	}
	prefix := []byte(pageID + keySeparator)
	var ids []string
	c := idx.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	return ids, nil
}

// pageIncidents decodes a page's incidents newest first, keeping unresolved ones and those
// resolved at or after since (zero since keeps all); never nil.
func pageIncidents(tx txn, orgID, pageID string, since time.Time) ([]Incident, error) {
	ids, err := pageIncidentIDs(tx, orgID, pageID)
	if err != nil {
		return nil, err
	}
	out := make([]Incident, 0, len(ids))
	for i := len(ids) - 1; i >= 0; i-- {
		var inc Incident
		if err := getIncident(tx, orgID, pageID, ids[i], &inc); err != nil {
			return nil, err
		}
		if inc.ResolvedAt != nil && inc.ResolvedAt.Before(since) {
			continue
		}
		out = append(out, inc)
	}
	return out, nil
}

// deletePageIncidents removes every incident of a page (collected first, then deleted).
func deletePageIncidents(tx txn, orgID, pageID string) error {
	ids, err := pageIncidentIDs(tx, orgID, pageID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := removeIncident(tx, orgID, pageID, id); err != nil {
			return err
		}
	}
	return nil
}
