package api

import (
	"encoding/csv"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// subscriberHandlers serves /api/v1/status-pages/:id/subscribers (SPEC §3.16): members
// list (JSON, or CSV with ?format=csv), add and remove a page's subscribers.
type subscriberHandlers struct {
	*subscribers
}

// list answers the page's subscribers, paginated, or all of them as CSV (RFC 4180: CRLF
// line ends, quoted where needed, a header row).
func (h *subscriberHandlers) list(c *gin.Context) error {
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	format := strings.ToLower(c.DefaultQuery("format", "json"))
	if format != "json" && format != "csv" {
		return errValidation(map[string]string{"format": "must be json or csv"})
	}
	if format == "csv" {
		subs, err := h.store.Subscribers(p.OrgID, p.ID)
		if err != nil {
			return err
		}
		return writeSubscribersCSV(c, p, viewsOf(subs, newSubscriberView))
	}
	return respondList(c, func(q store.ListQuery) ([]store.Subscriber, string, error) {
		return h.store.ListSubscribers(p.OrgID, p.ID, q)
	}, newSubscriberView)
}

// writeSubscribersCSV streams views as an attachment.
func writeSubscribersCSV(c *gin.Context, p *store.StatusPage, views []subscriberView) error {
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Header("Content-Disposition", `attachment; filename="subscribers-`+p.Slug+`.csv"`)
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	w.UseCRLF = true
	// phone is the masked number of the list: full numbers never leave the server.
	rows := [][]string{{"id", "type", "email", "name", "phone", "webhook_url", "status", "created_at", "confirmed_at"}}
	for _, v := range views {
		rows = append(rows, []string{v.ID, v.Type, csvCell(deref(v.Email)), csvCell(deref(v.Name)), csvCell(deref(v.Phone)),
			csvCell(deref(v.WebhookURL)), v.Status,
			v.CreatedAt, deref(v.ConfirmedAt)})
	}
	return w.WriteAll(rows)
}

// csvCell defuses a value a spreadsheet would run as a formula (an e-mail address may
// legally start with "=", "+", "-" or "@") by prefixing an apostrophe.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// create adds a subscriber on behalf of a member. E-mail addresses get the confirmation
// e-mail and stay pending until it is followed; on an invite_only page this add is the
// invitation. The page's restriction mode does not bind members. An address already
// confirmed on the page is 409; a pending one gets its confirmation again (200; not within
// five minutes of the previous one).
func (h *subscriberHandlers) create(c *gin.Context) error {
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	var req subscriberRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ns, err := h.build(p, &req, false)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "subscriber.created", subscriberRes(ns.sub), map[string]any{"status_page_id": p.ID})
	s, outcome, err := h.add(p, ns, audited(entry))
	if err != nil {
		return err
	}
	switch outcome {
	case store.SubscriberExisting:
		return errConflict("That subscriber is already on this status page.")
	case store.SubscriberRenewed, store.SubscriberPendingRecent:
		c.JSON(http.StatusOK, newSubscriberView(s))
		return nil
	}
	c.JSON(http.StatusCreated, newSubscriberView(s))
	return nil
}

// delete removes a subscriber of the page.
func (h *subscriberHandlers) delete(c *gin.Context) error {
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	s, err := h.store.Subscriber(p.OrgID, p.ID, c.Param("sid"))
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "subscriber.deleted", subscriberRes(s), map[string]any{"status_page_id": p.ID})
	if err := h.store.DeleteSubscriber(p.OrgID, p.ID, s.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
