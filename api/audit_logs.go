package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// auditHandlers serves GET /api/v1/audit-logs (SPEC §3.17, admins and
// owners). Entries are written by the other handlers through b.audit; this
// file only reads them.
type auditHandlers struct {
	*base
}

// auditEntryView is one entry as the API shows it.
type auditEntryView struct {
	ID        string            `json:"id"`
	Timestamp time.Time         `json:"timestamp"`
	Event     string            `json:"event"`
	Actor     auditActorView    `json:"actor"`
	Resource  auditResourceView `json:"resource"`
	Metadata  map[string]any    `json:"metadata"`
}

type auditActorView struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Email string `json:"email"`
	IP    string `json:"ip"`
	// Name is the acting user's name, so the log never shows a UUID; absent for an API
	// key or the system, and when the account is gone.
	Name *string `json:"name,omitempty"`
}

type auditResourceView struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

func newAuditEntryView(e *store.AuditEntry) auditEntryView {
	meta := e.Metadata
	if meta == nil {
		meta = map[string]any{} // always an object, never null
	}
	return auditEntryView{
		ID: e.ID, Timestamp: e.Timestamp.UTC(), Event: e.Event,
		Actor:    auditActorView{Type: e.Actor.Type, ID: e.Actor.ID, Email: e.Actor.Email, IP: e.Actor.IP},
		Resource: auditResourceView{Type: e.Resource.Type, ID: e.Resource.ID, Name: e.Resource.Name},
		Metadata: meta,
	}
}

// list answers the organization's entries newest first, filtered by
// ?since= ?until= (RFC 3339, inclusive) ?actor_id= ?event= ?resource_type=,
// paged by ?limit= and ?cursor= (X-Next-Cursor), as JSON or, with
// ?format=csv, as a CSV download of the same page.
func (h *auditHandlers) list(c *gin.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	filter := store.AuditFilter{
		Since:        auditQueryTime(f, c, "since"),
		Until:        auditQueryTime(f, c, "until"),
		ActorID:      c.Query("actor_id"),
		Event:        c.Query("event"),
		ResourceType: c.Query("resource_type"),
		Limit:        p.limit,
		Cursor:       p.cursor,
	}
	if !filter.Since.IsZero() && !filter.Until.IsZero() && filter.Until.Before(filter.Since) {
		f.add("until", "must not be before since")
	}
	format := strings.ToLower(c.DefaultQuery("format", "json"))
	if format != "json" && format != "csv" {
		f.add("format", "must be json or csv")
	}
	if err := f.err(); err != nil {
		return err
	}

	entries, next, err := h.store.AuditLogs(actorOf(c).org.ID, filter)
	if err != nil {
		return err
	}
	if format == "csv" {
		setNextCursor(c, next)
		return h.writeCSV(c, viewsOf(entries, newAuditEntryView))
	}
	people := newPeopleNames(h.store)
	return respondCursorPage(c, entries, next, func(e *store.AuditEntry) auditEntryView {
		v := newAuditEntryView(e)
		if e.Actor.Type == "user" {
			v.Actor.Name = people.of(e.Actor.ID)
		}
		return v
	})
}

// auditQueryTime reads an optional RFC 3339 query parameter; a malformed value
// is recorded as a field problem and reads as zero (no filter).
func auditQueryTime(f fieldErrors, c *gin.Context, name string) time.Time {
	s := c.Query(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		f.add(name, "must be an RFC 3339 time, e.g. 2030-01-02T15:04:05Z")
		return time.Time{}
	}
	return t.UTC()
}

// writeCSV renders one page as a CSV attachment. The page is built in memory
// first (at most 1 000 rows), so an error can still become a proper error
// response instead of a truncated file.
func (h *auditHandlers) writeCSV(c *gin.Context, views []auditEntryView) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	// The nested actor and resource objects are flattened into columns.
	header := []string{"id", "timestamp", "event", "actor_type", "actor_id", "actor_email", "actor_ip",
		"resource_type", "resource_id", "resource_name", "metadata"}
	if err := w.Write(header); err != nil {
		return err
	}
	for _, v := range views {
		meta, err := json.Marshal(v.Metadata) // compact, keys sorted
		if err != nil {
			return err
		}
		row := []string{v.ID, v.Timestamp.Format(time.RFC3339Nano), v.Event, v.Actor.Type, v.Actor.ID,
			v.Actor.Email, v.Actor.IP, v.Resource.Type, v.Resource.ID, v.Resource.Name, string(meta)}
		for i := range row {
			row[i] = csvSafeCell(row[i])
		}
		if err := w.Write(row); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	name := "audit-log-" + h.now().UTC().Format("2006-01-02") + ".csv"
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	return nil
}

// csvSafeCell defuses CSV formula injection: spreadsheets run a cell that
// starts with = + - @ (or a tab or carriage return, which some of them skip
// before looking) as a formula, and names, e-mails and metadata come from
// users. A leading single quote makes the cell plain text.
func csvSafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
