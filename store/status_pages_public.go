package store

import "time"

// PublicServiceState is the allow-listed part of a service a public status page may use:
// never its endpoint, options, errors or credentials, so those cannot leak through a
// template or a JSON view by accident.
type PublicServiceState struct {
	Name   string
	Status string // GREEN, YELLOW, RED, MAINTENANCE, PAUSED, PENDING...
	Paused bool
}

// DailyUptime is one UTC day of a service's daily rollup. Status is the worst of the day
// (RED, YELLOW, GREEN, MAINTENANCE) or "" when nothing was recorded; UptimePercentage is
// up / (total − maintenance) × 100, 100 when nothing counts.
type DailyUptime struct {
	Day                                    time.Time
	Total, Up, Degraded, Down, Maintenance int
	DownSeconds                            float64
	UptimePercentage                       float64
	Status                                 string
}

// StatusPageSnapshot is everything the public view of a page needs, read in one
// transaction: the page, the states of the services and heartbeats its components name
// (missing ones are absent from the maps; heartbeat statuses are healthy, late, down...), Days daily rollups per service (oldest first, one entry per day
// ending today), the page's unresolved incidents and those resolved since the cut-off
// (newest first), and the organization's maintenance windows shown on status pages (the
// caller evaluates recurrences and coverage).
type StatusPageSnapshot struct {
	Page       StatusPage
	Services   map[string]PublicServiceState
	Heartbeats map[string]PublicServiceState
	Daily      map[string][]DailyUptime
	// HeartbeatDaily is the same bars for each heartbeat component, from its alerts
	// (heartbeatDaily).
	HeartbeatDaily map[string][]DailyUptime
	Incidents      []Incident
	Maintenance    []MaintenanceWindow
	// SMSChannelReady is whether the page's SMS channel exists, is enabled and is a
	// twilio_sms channel: a page whose channel was deleted or disabled offers no phone form.
	SMSChannelReady bool
}

// StatusPageSnapshot reads the public view of the page with this slug: days daily bars
// per component service (0 = the page's history_days; rollup_1d only, one row read per
// day and service) and incidents resolved at or after recentSince. ErrNotFound for an
// unknown slug.
func (db *DB) StatusPageSnapshot(slug string, days int, recentSince time.Time) (*StatusPageSnapshot, error) {
	today := time.Unix(0, floorNanos(seriesNanos(db.stamp()), 24*time.Hour)).UTC()
	snap := &StatusPageSnapshot{Services: map[string]PublicServiceState{}, Heartbeats: map[string]PublicServiceState{},
		Daily: map[string][]DailyUptime{}}
	err := db.view(func(tx txn) error {
		if err := pageBySlug(tx, slug, &snap.Page); err != nil {
			return err
		}
		if days <= 0 {
			days = snap.Page.HistoryDays
		}
		days = max(1, min(days, 3650))
		first := today.AddDate(0, 0, -(days - 1))
		orgID := snap.Page.OrgID
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		services, beats := ob.Bucket([]byte(subServices)), ob.Bucket([]byte(subHeartbeats))
		pageBeats := map[string]Heartbeat{}
		for _, c := range snap.Page.Components {
			if c.HeartbeatID != "" {
				var hb Heartbeat
				if getJSON(beats, []byte(c.HeartbeatID), &hb, entityHeartbeat) == nil { // deleted: "unknown"
					snap.Heartbeats[hb.ID] = PublicServiceState{Name: hb.Name, Status: hb.Status, Paused: hb.Status == HeartbeatPaused}
					pageBeats[hb.ID] = hb
				}
				continue
			}
			if c.ServiceID == "" {
				continue
			}
			if _, seen := snap.Services[c.ServiceID]; seen {
				continue
			}
			var s Service
			if err := getJSON(services, []byte(c.ServiceID), &s, entityService); err != nil {
				continue // deleted service: the component shows "unknown"
			}
			snap.Services[s.ID] = PublicServiceState{Name: s.Name, Status: s.Status, Paused: s.Paused}
			if snap.Daily[s.ID], err = dailyUptime(ob, s.ID, first, days); err != nil {
				return err
			}
		}
		if len(pageBeats) > 0 {
			if snap.HeartbeatDaily, err = heartbeatDaily(ob, pageBeats, first, days, db.stamp()); err != nil {
				return err
			}
		}
		if id := snap.Page.SMS.ChannelID; id != "" {
			var ch NotificationChannel
			if getJSON(ob.Bucket([]byte(subChannels)), []byte(id), &ch, entityChannel) == nil {
				snap.SMSChannelReady = ch.Enabled && ch.Type == "twilio_sms"
			}
		}
		if snap.Incidents, err = pageIncidents(tx, orgID, snap.Page.ID, recentSince); err != nil {
			return err
		}
		windows, err := listMaintenanceWindows(tx, orgID)
		if err != nil {
			return err
		}
		for _, w := range windows {
			if w.ShowOnStatusPages {
				snap.Maintenance = append(snap.Maintenance, w)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// dailyUptime reads days rows of rollup_1d for the service from first (a UTC midnight),
// filling days without a row as empty.
func dailyUptime(ob bucket, serviceID string, first time.Time, days int) ([]DailyUptime, error) {
	out := make([]DailyUptime, days)
	for i := range out {
		out[i] = DailyUptime{Day: first.AddDate(0, 0, i), UptimePercentage: 100}
	}
	prefix, ok := seriesPrefix(serviceID)
	if !ok {
		return out, nil
	}
	start := seriesNanos(first)
	end := start + int64(days)*int64(24*time.Hour)
	h, err := readHead(ob, prefix)
	if err != nil {
		return nil, err
	}
	err = scanRollups(ob, level1d, prefix, h, start, end, func(day int64, row *rollup) bool {
		i := int((day - start) / int64(24*time.Hour))
		if i < 0 || i >= days {
			return true
		}
		d := &out[i]
		d.Total, d.Up, d.Degraded, d.Down, d.Maintenance = int(row.total), int(row.up), int(row.degraded), int(row.down), int(row.maintenance)
		d.DownSeconds, d.Status = float64(row.downMS)/1000, row.worstStatus()
		if counted := row.total - row.maintenance; counted > 0 {
			d.UptimePercentage = float64(row.up) / float64(counted) * 100
		}
		return true
	})
	return out, err
}
