package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// overviewHandlers serves GET /api/v1/metrics, the organization's dashboard summary
// (SPEC §3.8), read in one store transaction from the per-service summaries the recorder
// keeps current (store.ServiceSummaries), not recomputed from the rollups per request.
type overviewHandlers struct {
	*base
}

// overviewView is the whole answer: one row per service, in creation order, and totals.
type overviewView struct {
	Services []overviewService `json:"services"`
	Totals   overviewTotals    `json:"totals"`
}

// overviewService is one service's row. An uptime is null when the window holds no
// counted check (never checked, or only maintenance), rather than a made-up 100; the
// average response time is null when the last 24 hours had no up check. The sparkline is
// what the dashboard draws: the mean response time of the up checks per 15 minutes over
// the last 6 hours, oldest first, null for a slot without any.
type overviewService struct {
	ServiceID            string     `json:"service_id"`
	Name                 string     `json:"name"`
	Status               string     `json:"status"`
	Uptime24h            *float64   `json:"uptime_24h"`
	Uptime7d             *float64   `json:"uptime_7d"`
	Uptime30d            *float64   `json:"uptime_30d"`
	AvgResponseTimeMS24h *float64   `json:"avg_response_time_ms_24h"`
	Sparkline            []*float64 `json:"response_time_sparkline"`
}

// overviewTotals counts services by current status (up = GREEN, degraded = YELLOW,
// down = RED). uptime_24h is the mean of the services' 24-hour uptimes, so a service
// checked every 10 s weighs no more than one checked hourly; null when none has one.
type overviewTotals struct {
	Services    int      `json:"services"`
	Up          int      `json:"up"`
	Down        int      `json:"down"`
	Degraded    int      `json:"degraded"`
	Paused      int      `json:"paused"`
	Pending     int      `json:"pending"`
	Maintenance int      `json:"maintenance"`
	Uptime24h   *float64 `json:"uptime_24h"`
}

// overview answers the organization's summary at the current time.
func (h *overviewHandlers) overview(c *gin.Context) error {
	rows, err := h.store.ServiceSummaries(actorOf(c).org.ID, h.now())
	if err != nil {
		return err
	}
	out := overviewView{Services: make([]overviewService, 0, len(rows))}
	t := &out.Totals
	var sum float64
	var counted int
	for i := range rows {
		r := &rows[i]
		row := overviewService{ServiceID: r.ServiceID, Name: r.Name, Status: r.Status,
			Uptime24h: uptimeOrNull(r.Uptime24h), Uptime7d: uptimeOrNull(r.Uptime7d), Uptime30d: uptimeOrNull(r.Uptime30d),
			Sparkline: make([]*float64, 0, len(r.Sparkline))}
		if avg, ok := r.Uptime24h.AvgResponseTimeMS(); ok {
			avg = round2(avg)
			row.AvgResponseTimeMS24h = &avg
		}
		for _, p := range r.Sparkline {
			var v *float64
			if p.Up > 0 {
				avg := round2(p.AvgTimeMS)
				v = &avg
			}
			row.Sparkline = append(row.Sparkline, v)
		}
		if row.Uptime24h != nil {
			sum += *row.Uptime24h
			counted++
		}
		out.Services = append(out.Services, row)
		t.Services++
		switch r.Status {
		case statusGreen:
			t.Up++
		case statusRed:
			t.Down++
		case statusYellow:
			t.Degraded++
		case statusPaused:
			t.Paused++
		case statusPending:
			t.Pending++
		case statusMaintenance:
			t.Maintenance++
		}
	}
	if counted > 0 {
		mean := round3(sum / float64(counted))
		t.Uptime24h = &mean
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// uptimeOrNull is the window's percentage, or nil when no check counted.
func uptimeOrNull(u store.UptimeCounts) *float64 {
	pct, ok := u.Percentage()
	if !ok {
		return nil
	}
	v := round3(pct)
	return &v
}
