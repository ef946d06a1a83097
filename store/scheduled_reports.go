package store

import (
	"errors"
	"time"
)

// Organization children of scheduled reports: reportID → ScheduledReport JSON, and the
// name index lower(name) → reportID (names are unique per organization, so configuration
// import can match by name).
const (
	subScheduledReports     = "scheduled_reports"
	subScheduledReportNames = "scheduled_report_names"
	entityScheduledReport   = "Scheduled report"
)

// ScheduledReport is an SLA report mailed on a schedule (SPEC §11): Format "pdf", "csv"
// or "json" of the services ServiceIDs (empty: all), Frequency "weekly" or "monthly", sent
// at NextRunAt to Recipients and then moved on to the next run in Timezone.
type ScheduledReport struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"org_id"`
	Name       string     `json:"name"`
	Type       string     `json:"type"` // "sla"
	Format     string     `json:"format"`
	ServiceIDs []string   `json:"service_ids"`
	Frequency  string     `json:"frequency"`
	Timezone   string     `json:"timezone"`
	Recipients []string   `json:"recipients"`
	NextRunAt  time.Time  `json:"next_run_at"`
	LastRunAt  *time.Time `json:"last_run_at,omitempty"`
	// LastError says why the last run sent nothing ("" when it was queued).
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// errReportNameTaken is the conflict of a name another report of the organization has.
var errReportNameTaken = conflictf(entityScheduledReport, "A scheduled report with that name already exists in this organization.")

// CreateScheduledReport stores a new report in organization orgID; a name another report
// of the organization has (case-insensitively) is ErrConflict. Empty ID and times are
// filled; OrgID is set to orgID.
func (db *DB) CreateScheduledReport(orgID string, r *ScheduledReport, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		b, err := orgSub(tx, orgID, subScheduledReports)
		if err != nil {
			return err
		}
		names, err := orgSub(tx, orgID, subScheduledReportNames)
		if err != nil {
			return err
		}
		if r.ID == "" {
			r.ID = NewID()
		}
		if b.Get([]byte(r.ID)) != nil {
			return conflictf(entityScheduledReport, "A scheduled report with ID %s already exists.", r.ID)
		}
		key := channelNameKey(r.Name)
		if names.Get(key) != nil {
			return errReportNameTaken
		}
		now := db.stamp()
		if r.CreatedAt.IsZero() {
			r.CreatedAt = now
		}
		r.OrgID, r.UpdatedAt = orgID, now
		if err := names.Put(key, []byte(r.ID)); err != nil {
			return err
		}
		return putJSON(b, []byte(r.ID), r)
	})
}

// ScheduledReport returns report id of organization orgID, or ErrNotFound (also when it
// belongs to another organization).
func (db *DB) ScheduledReport(orgID, id string) (*ScheduledReport, error) {
	var r ScheduledReport
	err := db.view(func(tx txn) error { return getScheduledReport(tx, orgID, id, &r) })
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ScheduledReports returns every report of organization orgID in creation order; never nil.
func (db *DB) ScheduledReports(orgID string) ([]ScheduledReport, error) {
	var out []ScheduledReport
	err := db.view(func(tx txn) error {
		b, err := orgSub(tx, orgID, subScheduledReports)
		if err != nil {
			return err
		}
		out, err = listJSON[ScheduledReport](b)
		return err
	})
	return out, err
}

// ListScheduledReports pages through orgID's scheduled reports in ID order.
func (db *DB) ListScheduledReports(orgID string, q ListQuery, keep func(*ScheduledReport) bool) ([]ScheduledReport, string, error) {
	return listOrgBucket(db, orgID, subScheduledReports, q, keep)
}

// UpdateScheduledReport loads report id of orgID, lets fn change it and stores it, in one
// write transaction; an error from fn aborts and is returned as is. A changed name is
// re-checked for uniqueness (ErrConflict). ID, OrgID and CreatedAt cannot change.
func (db *DB) UpdateScheduledReport(orgID, id string, fn func(*ScheduledReport) error, change *Change) (*ScheduledReport, error) {
	var r ScheduledReport
	err := db.update(orgID, change, func(tx txn) error {
		if err := getScheduledReport(tx, orgID, id, &r); err != nil {
			return err
		}
		oldKey, created := channelNameKey(r.Name), r.CreatedAt
		if err := fn(&r); err != nil {
			return err
		}
		r.ID, r.OrgID, r.CreatedAt, r.UpdatedAt = id, orgID, created, db.stamp()
		if newKey := channelNameKey(r.Name); string(newKey) != string(oldKey) {
			if err := renameIndexed(tx, orgID, subScheduledReportNames, oldKey, newKey, id, errReportNameTaken); err != nil {
				return err
			}
		}
		b, err := orgSub(tx, orgID, subScheduledReports)
		if err != nil {
			return err
		}
		return putJSON(b, []byte(id), &r)
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteScheduledReport removes report id of orgID and frees its name; ErrNotFound
// otherwise.
func (db *DB) DeleteScheduledReport(orgID, id string, change *Change) error {
	return db.update(orgID, change, func(tx txn) error {
		var r ScheduledReport
		if err := getScheduledReport(tx, orgID, id, &r); err != nil {
			return err
		}
		names, err := orgSub(tx, orgID, subScheduledReportNames)
		if err != nil {
			return err
		}
		if err := names.Delete(channelNameKey(r.Name)); err != nil {
			return err
		}
		b, err := orgSub(tx, orgID, subScheduledReports)
		if err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// getScheduledReport reads report id of orgID into r.
func getScheduledReport(tx txn, orgID, id string, r *ScheduledReport) error {
	b, err := orgSub(tx, orgID, subScheduledReports)
	if err != nil {
		return err
	}
	return getJSON(b, []byte(id), r, entityScheduledReport)
}

// errReportMoved: see ErrReportMoved.
var errReportMoved = errors.New("store: scheduled report was changed or already ran")
