package api

import (
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

// SLA report limits (SPEC §3.18).
const (
	// maxSLASpan bounds one report: a year and a bit, so "last calendar year" fits and a
	// report never walks the whole daily retention at once.
	maxSLASpan = 400 * 24 * time.Hour
	// maxSLAServices bounds ?service_ids= (a list endpoint's maximum page).
	maxSLAServices = 1000
)

// slaWindows are the ?window= shorthands, each ending at ?to= (default now).
var slaWindows = map[string]time.Duration{
	"24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour, "90d": 90 * 24 * time.Hour,
}

// slaQuery is a parsed SLA report request.
type slaQuery struct {
	from, to   time.Time
	serviceIDs []string // empty: every service of the organization
	format     string   // "json", "csv" or "pdf"
}

// parseSLAQuery reads ?from=&to=&window=&service_ids=&format= and checks them all at once
// (422 listing every bad parameter). The window must end after it starts, span at most
// maxSLASpan, and start inside the daily rollups' retention (oldest), so a report never
// silently counts a period whose data is gone.
func parseSLAQuery(c *gin.Context, now, oldest time.Time) (slaQuery, error) {
	f := fieldErrors{}
	q := slaQuery{format: strings.ToLower(c.DefaultQuery("format", "json"))}
	if q.format != "json" && q.format != "csv" && q.format != "pdf" {
		f.add("format", "must be json, csv or pdf")
	}
	to, ok := queryTime(c, f, "to")
	if !ok {
		to = now
	}
	from, hasFrom := queryTime(c, f, "from")
	if w := c.Query("window"); w != "" {
		span, known := slaWindows[strings.ToLower(w)]
		switch {
		case !known:
			f.add("window", "must be one of 24h, 7d, 30d, 90d")
		case c.Query("from") != "":
			f.add("window", "cannot be combined with from")
		default:
			from, hasFrom = to.Add(-span), true
		}
	}
	if !hasFrom {
		from = to.Add(-slaWindows["30d"])
	}
	if _, bad := f["to"]; !bad {
		if _, bad := f["from"]; !bad {
			switch {
			case !from.Before(to):
				f.add("from", "must be before to")
			case to.Sub(from) > maxSLASpan:
				f.add("from", "the window may span at most 400 days")
			case from.Before(oldest):
				f.add("from", "must not be before "+oldest.Format(time.RFC3339)+
					" (rollup retention: "+strconv.Itoa(int(now.Sub(oldest).Hours()/24))+" days)")
			}
		}
	}
	q.from, q.to = from, to
	q.serviceIDs = parseServiceIDs(f, c.Query("service_ids"))
	return q, f.err()
}

// parseServiceIDs splits a comma-separated list of service IDs, dropping blanks and
// repeats. An ID that is not a UUID cannot name a service; it is reported as a field
// error rather than a 404 so a typo in a long list is easy to find.
func parseServiceIDs(f fieldErrors, raw string) []string {
	var ids []string
	seen := map[string]bool{}
	for part := range strings.SplitSeq(raw, ",") {
		id := strings.ToLower(strings.TrimSpace(part))
		if id == "" || seen[id] {
			continue
		}
		if _, err := uuid.Parse(id); err != nil {
			f.add("service_ids", "must be a comma-separated list of service IDs; "+strconv.Quote(part)+" is not one")
			continue
		}
		seen[id] = true
		ids = append(ids, id)
	}
	if len(ids) > maxSLAServices {
		f.add("service_ids", "may name at most "+strconv.Itoa(maxSLAServices)+" services")
	}
	return ids
}
