package store

import (
	"encoding/json"
	"fmt"
	"time"
)

// Retention returns the database's retention policy (defaults filled in), so a report can
// refuse a window its rollups no longer cover instead of answering with silent gaps.
func (db *DB) Retention() RetentionPolicy { return db.retention }

// ServiceReport is one service's raw material for an SLA report (SPEC §3.18): its record,
// its availability over the window from rollups, and the alerts about it that fired in the
// window, oldest first.
type ServiceReport struct {
	Service Service
	Uptime  UptimeSummary
	Alerts  []Alert
}

// ServiceReports reads, in one transaction, the SLA material of organization orgID's
// services over [from, to): every service in creation order when serviceIDs is empty,
// else those named (in the order given; ErrNotFound naming the first unknown one). Uptime
// comes from rollups only (as Uptime). The alerts are every service alert with from ≤
// fired_at < to; heartbeat alerts are not service incidents and are left out. The alerts
// bucket is scanned once for all services: reports are rare and alerts few next to check
// results, and alert IDs, though time-ordered, carry the wall clock of their creation
// rather than fired_at, so they cannot bound the scan exactly.
func (db *DB) ServiceReports(orgID string, serviceIDs []string, from, to time.Time) ([]ServiceReport, error) {
	var out []ServiceReport
	now := db.stamp()
	err := db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		services, err := reportServices(ob, serviceIDs)
		if err != nil {
			return err
		}
		index := make(map[string]int, len(services))
		out = make([]ServiceReport, len(services))
		for i := range services {
			out[i].Service = services[i]
			index[services[i].ID] = i
			prefix, ok := seriesPrefix(services[i].ID)
			if !ok {
				continue // no series can exist for a non-UUID ID: an empty summary
			}
			if out[i].Uptime, err = uptimeOf(ob, prefix, from, to, now, db.retention); err != nil {
				return err
			}
		}
		return reportAlerts(ob.Bucket([]byte(subAlerts)), from, to, func(a *Alert) {
			if i, ok := index[a.ServiceID]; ok && a.HeartbeatID == "" {
				out[i].Alerts = append(out[i].Alerts, *a)
			}
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// reportServices returns the services of organization bucket ob named by ids (all of
// them when ids is empty).
func reportServices(ob bucket, ids []string) ([]Service, error) {
	if len(ids) == 0 {
		return readServices(ob)
	}
	out := make([]Service, len(ids))
	for i, id := range ids {
		if err := readService(ob, id, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// reportAlerts feeds fn every alert of b fired in [from, to), in key (creation) order.
func reportAlerts(b bucket, from, to time.Time, fn func(*Alert)) error {
	if !b.exists() {
		return nil // no alert ever written in this organization
	}
	return b.ForEach(func(k, v []byte) error {
		var a Alert
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("store: decode alert %s: %w", k, err)
		}
		if !a.FiredAt.Before(from) && a.FiredAt.Before(to) {
			fn(&a)
		}
		return nil
	})
}
