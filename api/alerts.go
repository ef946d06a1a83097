package api

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// maxNoteLen bounds an alert note (and the note of an acknowledge or resolve).
const maxNoteLen = 2000

// alertStatusFilters are the values of GET /alerts?status= ("open" = firing and
// acknowledged, the default).
var alertStatusFilters = []string{"open", store.AlertFiring, store.AlertAcknowledged, store.AlertResolved, "all"}

// alertHandlers serves /api/v1/alerts (SPEC §3.10). State changes go through the
// Alerter, which queues their notifications and events in the same transaction.
type alertHandlers struct {
	*base
	alerter *alerting.Alerter
}

// errNoAlerter is the answer when the server was built without the alerting engine.
var errNoAlerter = errors.New("api: alert action without an Alerter in Deps")

// list answers alerts newest first: open ones by default, filtered by ?status=,
// ?service_id=, ?heartbeat_id=, ?severity= and ?since= (RFC 3339, fired at or after), paginated by the
// store's cursor (X-Next-Cursor).
func (h *alertHandlers) list(c *gin.Context) error {
	pg, err := pageParams(c)
	if err != nil {
		return err
	}
	fl := store.AlertFilter{Status: strings.ToLower(c.Query("status")), ServiceID: c.Query("service_id"),
		HeartbeatID: c.Query("heartbeat_id"),
		Severity:    strings.ToLower(c.Query("severity")), Limit: pg.limit, Cursor: pg.cursor}
	f := fieldErrors{}
	if fl.Status != "" && !slices.Contains(alertStatusFilters, fl.Status) {
		f.add("status", "must be one of "+strings.Join(alertStatusFilters, ", "))
	}
	if fl.Severity != "" && !slices.Contains(alertSeverities, fl.Severity) {
		f.add("severity", "must be one of "+strings.Join(alertSeverities, ", "))
	}
	if s := c.Query("since"); s != "" {
		if fl.Since, err = time.Parse(time.RFC3339, s); err != nil {
			f.add("since", "must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z")
		}
	}
	if err := f.err(); err != nil {
		return err
	}
	alerts, next, err := h.store.Alerts(actorOf(c).org.ID, fl)
	if err != nil {
		return err
	}
	return respondCursorPage(c, alerts, next, h.alertViewer())
}

// alerts is the resource the alert routes read through; alerts change only through the
// Alerter, never through resource writes.
func (h *alertHandlers) alerts() resource[store.Alert, alertView] {
	return resource[store.Alert, alertView]{base: h.base, load: h.store.Alert,
		id: func(a *store.Alert) string { return a.ID }, view: h.alertViewer()}
}

// get answers one alert of the active organization.
func (h *alertHandlers) get(c *gin.Context) error { return h.alerts().get(c) }

// alertNoteRequest is the optional body of acknowledge and resolve.
type alertNoteRequest struct {
	Note *string `json:"note"`
}

// noteBody reads the optional {note} body; an empty body is no note.
func noteBody(c *gin.Context) (string, error) {
	var req alertNoteRequest
	if c.Request.ContentLength != 0 {
		if err := bindJSON(c, &req); err != nil {
			return "", err
		}
	}
	f := fieldErrors{}
	note := f.text("note", deref(req.Note), false, maxNoteLen)
	return note, f.err()
}

// acknowledge stops the alert's escalation (409 when it is already acknowledged or
// resolved).
func (h *alertHandlers) acknowledge(c *gin.Context) error {
	return h.act(c, "alert.acknowledged", h.alerter.Acknowledge)
}

// resolve closes the alert by hand (409 when it is already resolved).
func (h *alertHandlers) resolve(c *gin.Context) error {
	return h.act(c, "alert.resolved", h.alerter.Resolve)
}

// act runs one state change on behalf of the caller (the user; for an API key, its
// creator) and records it in the audit log, in the change's transaction.
func (h *alertHandlers) act(c *gin.Context, event string, change func(orgID, id, by, note string, audit *store.Change) (*store.Alert, error)) error {
	if h.alerter == nil {
		return errNoAlerter
	}
	a := actorOf(c)
	cur, err := h.alerts().one(c)
	if err != nil {
		return err // 404 before the body is judged
	}
	note, err := noteBody(c)
	if err != nil {
		return err
	}
	// An alert's ID and title never change, so the alert as loaded names it.
	entry := h.auditEntry(c, event, alertRes(cur), map[string]any{"note": note != ""})
	alert, err := change(a.org.ID, cur.ID, a.user.ID, note, audited(entry))
	if err != nil {
		return h.alertConflict(a.org.ID, cur.ID, err)
	}
	c.JSON(http.StatusOK, h.alertViewer()(alert))
	return nil
}

// alertConflict explains the Alerter's ErrConflict with the alert's current state (the
// Alerter's own error carries no sentence for the client); other errors pass unchanged.
func (h *alertHandlers) alertConflict(orgID, id string, err error) error {
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	state := "past that state"
	if a, lerr := h.store.Alert(orgID, id); lerr == nil {
		state = a.Status
	}
	return errConflict("The alert is already " + state + "; nothing was changed.")
}

// alertNoteText is the body of POST /alerts/{id}/notes.
type alertNoteText struct {
	Text *string `json:"text"`
}

// addNote appends a note (allowed on resolved alerts too, for the post-mortem).
func (h *alertHandlers) addNote(c *gin.Context) error {
	if h.alerter == nil {
		return errNoAlerter
	}
	a := actorOf(c)
	if _, err := h.alerts().one(c); err != nil {
		return err
	}
	var req alertNoteText
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	text := f.text("text", deref(req.Text), true, maxNoteLen)
	if err := f.err(); err != nil {
		return err
	}
	alert, err := h.alerter.AddNote(a.org.ID, c.Param("id"), a.user.ID, text)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, h.alertViewer()(alert))
	return nil
}
