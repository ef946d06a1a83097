package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// serviceResultHandlers serves a service's results (SPEC §3.6 check now, §3.8): the
// check-now action and the /checks, /metrics, /uptime and /ssl reads. Every read goes to
// the store with the active organization first, so another organization's service is 404.
type serviceResultHandlers struct {
	*base
}

// checkView is one check result as every endpoint shows it. status_code is the HTTP
// status, 0 for check types without one, as the service's last_status_code shows it;
// error is null when there is none, as the service's last_error.
type checkView struct {
	CheckedAt      time.Time        `json:"checked_at"`
	Status         string           `json:"status"`
	ResponseTimeMS int              `json:"response_time_ms"`
	StatusCode     int              `json:"status_code"`
	Error          *string          `json:"error"`
	Certificate    *certificateView `json:"certificate,omitempty"` // check now only
	Timings        *timingsView     `json:"timings,omitempty"`     // check now only: not stored per result
	// Location is the probe location that made the check (GET /checks only, SPEC §8).
	Location string `json:"location,omitempty"`
}

// certificateView is the TLS certificate a check saw (SPEC §3.7).
type certificateView struct {
	Issuer          string    `json:"issuer"`
	Subject         string    `json:"subject"`
	ValidFrom       time.Time `json:"valid_from"`
	ValidTo         time.Time `json:"valid_to"`
	DaysUntilExpiry int       `json:"days_until_expiry"`
}

func newCheckView(r *store.CheckResult) checkView {
	v := checkView{CheckedAt: r.CheckedAt.UTC(), Status: r.Status, ResponseTimeMS: r.ResponseTimeMS, StatusCode: r.StatusCode}
	if r.Error != "" {
		msg := r.Error
		v.Error = &msg
	}
	return v
}

// errEngineUnavailable is the answer to check now when this process runs no engine (or
// it is shutting down): the check cannot run, and trying later may help.
func errEngineUnavailable() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
		Message: "The monitoring engine is not running on this server, so checks cannot run now. Try again later."}
}

// check runs one check of the service now and answers its result once it is committed
// (the recorder acknowledges only after the commit), so a following GET /checks shows it.
// A paused service may be checked too: the request is explicit; the result goes into its
// history but the service stays PAUSED and the scheduler leaves it alone. The probe is
// detached from the request: a client that goes away must not record a false RED
// "canceled" result; the service's own timeout bounds it, as for scheduled checks.
//
// One check per service is in flight at a time, whoever started it: while a scheduled
// check or another check-now runs, this answers 409 at once rather than waiting for that
// check. Waiting would hold the request for up to the timeout and could hand back a result
// of the service as it was before an edit the user just made; the running check's result
// lands in the history anyway.
func (h *serviceResultHandlers) check(c *gin.Context) error {
	svc, err := h.store.Service(actorOf(c).org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	if h.engine == nil {
		return errEngineUnavailable()
	}
	res, err := h.engine.Checker.Check(context.WithoutCancel(c.Request.Context()), svc)
	if errors.Is(err, monitor.ErrCheckRunning) {
		return errConflict("A check of this service is already running (scheduled, or started by someone else); " +
			"its result appears in the service's history when it finishes.")
	} else if errors.Is(err, monitor.ErrRecorderClosed) {
		return errEngineUnavailable()
	} else if err != nil {
		return err
	}
	out := checkNowView(&res)
	// The recorder committed the result; the entry is a write of its own, and a client
	// is told of the check only once it is in the log.
	if err := h.store.AppendAudit(actorOf(c).org.ID, h.auditEntry(c, "service.checked", serviceResource(svc),
		map[string]any{"name": svc.Name, "check_type": svc.CheckType, "status": res.Status})); err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// checkNowView renders a fresh result the way the store keeps it (whole milliseconds,
// error cut to store.MaxErrorBytes), so it reads the same as in GET /checks.
func checkNowView(r *monitor.Result) checkView {
	v := newCheckView(&store.CheckResult{CheckedAt: r.CheckedAt, Status: r.Status,
		ResponseTimeMS: int(r.ResponseTime / time.Millisecond), StatusCode: r.StatusCode,
		Error: clipUTF8(r.Error, store.MaxErrorBytes)})
	v.Timings = newTimingsView(store.Timings(r.Timings))
	if cert := r.Certificate; cert != nil {
		v.Certificate = &certificateView{Issuer: cert.Issuer, Subject: cert.Subject, ValidFrom: cert.ValidFrom.UTC(),
			ValidTo: cert.ValidTo.UTC(), DaysUntilExpiry: cert.DaysUntilExpiry}
	}
	return v
}

// clipUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func clipUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// checks answers the service's raw results newest first, each with its location:
// ?location= (one location's; default every location's), ?since= (default one hour before
// ?until=, or before now), ?until= (exclusive; default none), ?limit= (default 100, max
// 1000). When more remain, X-Next-Cursor holds the oldest time returned; passing it as
// ?cursor= continues below it (results are keyed by time, so the cursor is exact).
func (h *serviceResultHandlers) checks(c *gin.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	until, hasUntil := queryTime(c, f, "until")
	end := h.now()
	if hasUntil {
		end = until
	}
	since, hasSince := queryTime(c, f, "since")
	if !hasSince {
		since = end.Add(-time.Hour)
	}
	if p.cursor != "" {
		cur, err := time.Parse(time.RFC3339Nano, p.cursor)
		if err != nil {
			e := errBadRequest("The cursor is not one this list produced.")
			e.Fields = map[string]string{"cursor": "is invalid"}
			return e
		}
		if !hasUntil || cur.Before(until) {
			until, hasUntil = cur, true
		}
	}
	if hasUntil && !since.Before(until) {
		f.add("since", "must be before until")
	}
	if err := f.err(); err != nil {
		return err
	}
	orgID, svc, loc, err := h.serviceAndLocation(c)
	if err != nil {
		return err
	}
	results, err := h.store.ChecksAt(orgID, svc.ID, loc, since, until, p.limit+1)
	if err != nil {
		return err
	}
	if len(results) > p.limit {
		results = results[:p.limit]
		c.Header("X-Next-Cursor", results[len(results)-1].CheckedAt.UTC().Format(time.RFC3339Nano))
	}
	c.JSON(http.StatusOK, checkLocationViews(results, svc, h.cfg.BuiltinLocation()))
	return nil
}

// queryTime reads an optional RFC 3339 query parameter; ok is false when it is absent or
// invalid (the problem is added to f).
func queryTime(c *gin.Context, f fieldErrors, name string) (t time.Time, ok bool) {
	s := c.Query(name)
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		f.add(name, "must be an RFC 3339 time such as 2026-01-02T15:04:05Z")
		return time.Time{}, false
	}
	return t.UTC(), true
}

// queryTimeOr is queryTime with def for an absent or invalid parameter (an invalid one is
// still added to f).
func queryTimeOr(c *gin.Context, f fieldErrors, name string, def time.Time) time.Time {
	if t, ok := queryTime(c, f, name); ok {
		return t
	}
	return def
}

// queryBool reads a true/false query parameter (also 1/0; absent is false); anything else
// is a 422 naming it.
func queryBool(c *gin.Context, name string) (bool, error) {
	v := c.Query(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errValidation(map[string]string{name: "must be true or false"})
	}
	return b, nil
}

// queryRange reads ?from= and ?to= with defaults: to is now, from is span before to.
// from must be before to.
func queryRange(c *gin.Context, now time.Time, span time.Duration) (from, to time.Time, err error) {
	f := fieldErrors{}
	to, ok := queryTime(c, f, "to")
	if !ok {
		to = now
	}
	from, ok = queryTime(c, f, "from")
	if !ok {
		from = to.Add(-span)
	}
	if _, bad := f["to"]; !bad && !from.Before(to) {
		f.add("from", "must be before to")
	}
	return from, to, f.err()
}
