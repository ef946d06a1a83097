package api

import (
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// Default windows of the series reads (SPEC §3.8).
const (
	defaultMetricsSpan = 24 * time.Hour
	defaultUptimeSpan  = 30 * 24 * time.Hour
)

// metricsView is GET /services/{id}/metrics?envelope=true: the points with the resolution
// the store chose for the range (raw up to 6 h, then 1m, 1h, 1d) and the range asked for
// (defaults filled). Without envelope the answer is the documented bare array of points
// and these go in the X-Resolution, X-From and X-To headers (SPEC §12).
type metricsView struct {
	ServiceID  string    `json:"service_id"`
	Resolution string    `json:"resolution"`
	From       time.Time `json:"from"`
	To         time.Time `json:"to"`
	Points     []any     `json:"points"`
}

// rawPointView is one check of a raw series.
type rawPointView struct {
	Timestamp      time.Time `json:"timestamp"`
	Status         string    `json:"status"`
	ResponseTimeMS int       `json:"response_time_ms"`
	StatusCode     int       `json:"status_code"`
	Resolution     string    `json:"resolution"`
}

// rollupPointView is one bucket of a 1m/1h/1d series starting at timestamp. status is the
// worst of the bucket; the response-time figures describe the up checks only and are null
// when the bucket had none (a chart shows a gap, not a 0 ms dip, while a service is down).
//
// response_time_ms (the average) and status_code (null: a bucket keeps no status codes)
// are there so a client written for raw points reads every resolution (SPEC §3.8).
type rollupPointView struct {
	Timestamp         time.Time `json:"timestamp"`
	Status            string    `json:"status"`
	ResponseTimeMS    *float64  `json:"response_time_ms"`
	StatusCode        *int      `json:"status_code"`
	Resolution        string    `json:"resolution"`
	AvgResponseTimeMS *float64  `json:"avg_response_time_ms"`
	MinResponseTimeMS *int      `json:"min_response_time_ms"`
	MaxResponseTimeMS *int      `json:"max_response_time_ms"`
	P95ResponseTimeMS *int      `json:"p95_response_time_ms"`
	Up                int       `json:"up"`
	Total             int       `json:"total"`
}

func newRollupPointView(p *store.MetricPoint, resolution string) rollupPointView {
	v := rollupPointView{Timestamp: p.Timestamp.UTC(), Status: p.Status, Resolution: resolution, Up: p.Up, Total: p.Total}
	if p.Up > 0 {
		avg, lo, hi, p95 := round2(p.Avg), p.Min, p.Max, p.P95
		v.AvgResponseTimeMS, v.MinResponseTimeMS, v.MaxResponseTimeMS, v.P95ResponseTimeMS = &avg, &lo, &hi, &p95
		v.ResponseTimeMS = &avg
	}
	return v
}

// metrics answers the service's chart series for ?from=&to= (default the last 24 hours) and
// ?location= (one location's checks; default the service's own series, SPEC §8): the
// array of points, or with ?envelope=true the object of earlier releases.
func (h *serviceResultHandlers) metrics(c *gin.Context) error {
	from, to, err := queryRange(c, h.now(), defaultMetricsSpan)
	if err != nil {
		return err
	}
	envelope, err := queryBool(c, "envelope")
	if err != nil {
		return err
	}
	id := c.Param("id")
	loc, err := h.queryLocation(c, actorOf(c).org.ID, id)
	if err != nil {
		return err
	}
	series, err := h.store.MetricsAt(actorOf(c).org.ID, id, loc, from, to)
	if err != nil {
		return err
	}
	out := metricsView{ServiceID: id, Resolution: series.Resolution, From: from, To: to,
		Points: make([]any, 0, len(series.Points))}
	for i := range series.Points {
		p := &series.Points[i]
		if series.Resolution == store.ResolutionRaw {
			out.Points = append(out.Points, rawPointView{Timestamp: p.Timestamp.UTC(), Status: p.Status,
				ResponseTimeMS: p.ResponseTimeMS, StatusCode: p.StatusCode, Resolution: series.Resolution})
		} else {
			out.Points = append(out.Points, newRollupPointView(p, series.Resolution))
		}
	}
	if envelope {
		c.JSON(http.StatusOK, out)
		return nil
	}
	hdr := c.Writer.Header()
	hdr.Set("X-Resolution", out.Resolution)
	hdr.Set("X-From", out.From.UTC().Format(time.RFC3339Nano))
	hdr.Set("X-To", out.To.UTC().Format(time.RFC3339Nano))
	c.JSON(http.StatusOK, out.Points)
	return nil
}

// uptimeView is GET /services/{id}/uptime (SPEC §3.8). period_start and period_end are the
// period the rollups actually cover: the one asked for, widened to whole buckets.
type uptimeView struct {
	ServiceID          string    `json:"service_id"`
	PeriodStart        time.Time `json:"period_start"`
	PeriodEnd          time.Time `json:"period_end"`
	UptimePercentage   float64   `json:"uptime_percentage"`
	TotalChecks        int       `json:"total_checks"`
	FailedChecks       int       `json:"failed_checks"`
	DegradedChecks     int       `json:"degraded_checks"`
	DowntimeSeconds    float64   `json:"downtime_seconds"`
	MaintenanceSeconds float64   `json:"maintenance_seconds"`
}

// noChecksView is the uptime answer when there is nothing to count: the service has never
// been checked ("no checks recorded yet"), or was not checked in the period asked for
// (then the period is given too). Status is the service's current status.
type noChecksView struct {
	ServiceID   string     `json:"service_id"`
	Status      string     `json:"status"`
	Note        string     `json:"note"`
	PeriodStart *time.Time `json:"period_start,omitempty"`
	PeriodEnd   *time.Time `json:"period_end,omitempty"`
}

// uptime answers the service's availability over ?from=&to= (default the last 30 days),
// read from rollups only. GREEN and YELLOW count as up; maintenance is excluded.
func (h *serviceResultHandlers) uptime(c *gin.Context) error {
	from, to, err := queryRange(c, h.now(), defaultUptimeSpan)
	if err != nil {
		return err
	}
	orgID, svc, loc, err := h.serviceAndLocation(c)
	if err != nil {
		return err
	}
	sum, err := h.store.UptimeAt(orgID, svc.ID, loc, from, to)
	if err != nil {
		return err
	}
	if sum.TotalChecks == 0 && sum.DownSeconds == 0 && sum.MaintenanceSeconds == 0 {
		out := noChecksView{ServiceID: svc.ID, Status: svc.Status, Note: "no checks recorded yet"}
		if svc.LastCheckedAt != nil {
			start, end := sum.From.UTC(), sum.To.UTC()
			out.Note, out.PeriodStart, out.PeriodEnd = "no checks recorded in this period", &start, &end
		}
		c.JSON(http.StatusOK, out)
		return nil
	}
	c.JSON(http.StatusOK, uptimeView{
		ServiceID: svc.ID, PeriodStart: sum.From.UTC(), PeriodEnd: sum.To.UTC(),
		UptimePercentage: round3(sum.UptimePercentage), TotalChecks: sum.TotalChecks,
		FailedChecks: sum.FailedChecks, DegradedChecks: sum.DegradedChecks,
		DowntimeSeconds: round3(sum.DownSeconds), MaintenanceSeconds: round3(sum.MaintenanceSeconds),
	})
	return nil
}

// round2 and round3 keep figures readable (no 99.99999999999): hundredths of a
// millisecond, thousandths of a percent or second.
func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
