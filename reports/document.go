package reports

import (
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// maxBars bounds the uptime bars drawn per service: a day each up to two months, beyond
// that a few days each (a 400-day report draws 58 bars of 7 days), so a bar never gets
// too thin to see and a long report costs at most maxBars uptime reads per service.
const maxBars = 62

// Document is everything a rendered SLA report shows: who it is for, the period in the
// report's time zone, the figures and the uptime bars.
type Document struct {
	OrgName     string
	Location    *time.Location // the report's time zone: dates, bars and "generated at"
	GeneratedAt time.Time
	SLA         SLA
	// BarDays is how many local days one bar covers (1: daily bars).
	BarDays int
	// Bars holds, per row of SLA.Services, its bars in time order.
	Bars [][]Bar
}

// Bar is one service's availability over one span of local days.
type Bar struct {
	Start, End time.Time // [Start, End), local midnights (clipped to the report's window)
	// UptimePercent is nil when no check counted in the span (no data, or all in maintenance).
	UptimePercent *float64
}

// BuildDocument computes the SLA report of orgID's services (serviceIDs, or all) over
// [from, to) with its uptime bars over the local days of loc; now is the time it is made.
func BuildDocument(db *store.DB, orgID, orgName string, serviceIDs []string, from, to time.Time, loc *time.Location, now time.Time) (*Document, error) {
	sla, err := BuildSLA(db, orgID, serviceIDs, from, to, now)
	if err != nil {
		return nil, err
	}
	doc := &Document{OrgName: orgName, Location: loc, GeneratedAt: now, SLA: sla}
	spans, per := barSpans(from, to, loc)
	doc.BarDays = per
	doc.Bars = make([][]Bar, len(sla.Services))
	for i, row := range sla.Services {
		bars := make([]Bar, len(spans))
		for j, s := range spans {
			bars[j] = Bar{Start: s[0], End: s[1]}
			u, err := db.Uptime(orgID, row.ServiceID, s[0], s[1])
			if err != nil {
				return nil, err
			}
			if u.TotalChecks > u.MaintenanceChecks {
				pct := round3(u.UptimePercentage)
				bars[j].UptimePercent = &pct
			}
		}
		doc.Bars[i] = bars
	}
	return doc, nil
}

// barSpans splits [from, to) at the local midnights of loc into spans of per days each,
// per the smallest count that keeps the spans at most maxBars. Midnights come from
// time.Date, so a day across a daylight-saving change is 23 or 25 hours long, as it is
// on the wall clock; the first and last spans are clipped to the window.
func barSpans(from, to time.Time, loc *time.Location) ([][2]time.Time, int) {
	var days []time.Time // local midnights from the one at or before from, up to to
	y, m, d := from.In(loc).Date()
	for t := time.Date(y, m, d, 0, 0, 0, 0, loc); t.Before(to); {
		days = append(days, t)
		y, m, d := t.Date()
		t = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
	per := (len(days) + maxBars - 1) / maxBars
	if per < 1 {
		per = 1
	}
	var spans [][2]time.Time
	for i := 0; i < len(days); i += per {
		start := days[i]
		var end time.Time
		if i+per < len(days) {
			end = days[i+per]
		} else {
			y, m, d := days[len(days)-1].Date()
			end = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
		}
		if start.Before(from) {
			start = from
		}
		if end.After(to) {
			end = to
		}
		spans = append(spans, [2]time.Time{start, end})
	}
	return spans, per
}
