package api

import (
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/store"
)

// Limits of the public acknowledge link: failed verifications per client IP in a fixed
// window. A valid link costs nothing against the limit; a flood of guessed tokens is cut
// off before any HMAC work, like failed logins (SPEC §2.4: per IP, never one global bucket).
const (
	ackLinkFailureLimit = 20
	ackLinkWindow       = 15 * time.Minute
)

// ackByLink is who acknowledged an alert through its one-click link.
const ackByLink = "link"

// ackLinkHandlers serve the public acknowledge link notifications carry,
// /api/v1/alerts/{id}/ack?token=… (SPEC §3.10, §12). It needs no login; the token is the
// authority, and it acknowledges only the alert it was issued for. GET only shows a page
// that asks for a click, so mail link scanners and chat unfurlers that fetch the URL
// acknowledge nothing; POST (the page's button, or an API client) acknowledges.
type ackLinkHandlers struct {
	*base
	alerter *alerting.Alerter

	mu       sync.Mutex
	failures *fixedWindows // per client IP
}

func newAckLinkHandlers(b *base, a *alerting.Alerter) *ackLinkHandlers {
	return &ackLinkHandlers{base: b, alerter: a,
		failures: newFixedWindows(ackLinkFailureLimit, ackLinkWindow, guardMaxKeys)}
}

// ackLinkAnswer is the small confirmation the link answers an API client with.
type ackLinkAnswer struct {
	Status  string `json:"status"`
	AlertID string `json:"alert_id"`
}

// verified checks the link's token for the alert of the path and loads the alert. A bad,
// expired or foreign token is 404 (as an unknown alert is), so tokens cannot be probed,
// and counts against the client's failures.
func (h *ackLinkHandlers) verified(c *gin.Context) (orgID string, al *store.Alert, err error) {
	if h.alerter == nil {
		return "", nil, errNoAlerter
	}
	ip, id := clientBucket(c), c.Param("id")
	if err := h.blocked(c, ip); err != nil {
		return "", nil, err
	}
	token := c.Query("token")
	if token == "" && isFormPost(c) {
		token = c.PostForm("token")
	}
	orgID, err = h.alerter.VerifyAck(id, token)
	if err != nil {
		h.failed(c, ip)
		return "", nil, errNotFound("Alert")
	}
	al, err = h.store.Alert(orgID, id)
	if err != nil {
		return "", nil, err // deleted since the link was sent
	}
	return orgID, al, nil
}

// page answers the GET the link makes: the alert's name, service and state and, while
// it is firing, a button that POSTs back to this URL. It changes nothing.
func (h *ackLinkHandlers) page(c *gin.Context) error {
	_, al, err := h.verified(c)
	if err != nil {
		return h.pageOrError(c, err)
	}
	writeAckPage(c, http.StatusOK, ackPageOf(al, false), al.ID)
	return nil
}

// ack acknowledges the alert. The page's form gets a page back, an API client JSON. An
// alert already acknowledged answers 200 as if this click did it, since a second click
// from the same e-mail is not an error; a resolved alert is 409.
func (h *ackLinkHandlers) ack(c *gin.Context) error {
	form := isFormPost(c)
	orgID, cur, err := h.verified(c)
	if err != nil {
		if form {
			return h.pageOrError(c, err)
		}
		return err
	}
	entry := h.auditEntry(c, "alert.acknowledged", alertRes(cur), map[string]any{"via": ackByLink})
	alert, err := h.alerter.Acknowledge(orgID, cur.ID, ackByLink, "", audited(entry))
	switch {
	case errors.Is(err, store.ErrConflict): // a second click is fine, a resolved alert is not
		if alert, err = h.store.Alert(orgID, cur.ID); err != nil {
			return err
		}
		if form {
			writeAckPage(c, http.StatusOK, ackPageOf(alert, false), alert.ID)
			return nil
		}
		if alert.Status != store.AlertAcknowledged {
			return errConflict("The alert is already " + alert.Status + "; nothing was changed.")
		}
	case err != nil:
		return err
	case form:
		writeAckPage(c, http.StatusOK, ackPageOf(alert, true), alert.ID)
		return nil
	}
	c.JSON(http.StatusOK, ackLinkAnswer{Status: store.AlertAcknowledged, AlertID: alert.ID})
	return nil
}

// pageOrError shows a failed verification to a browser as a page; other errors
// (rate limit, store) keep their flat error body.
func (h *ackLinkHandlers) pageOrError(c *gin.Context, err error) error {
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		writeAckPage(c, http.StatusNotFound, ackPage{title: "Link not valid",
			message: "This acknowledge link is not valid or has expired. Open the alert in AlertifyPro instead."}, "")
		return nil
	}
	return err
}

// blocked returns the 429 error, with the X-RateLimit-* headers, once ip has used up
// its failures in the window.
func (h *ackLinkHandlers) blocked(c *gin.Context, ip string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	if until, ok := h.failures.blockedUntil(ip, now); ok {
		setRateHeaders(c, h.failures.decision(ip, now))
		return errRateLimited(now, until)
	}
	return nil
}

// failed counts one failed verification for ip and says what is left of its window.
func (h *ackLinkHandlers) failed(c *gin.Context, ip string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	h.failures.hit(ip, now) // a full set sweeps ended windows first (makeRoom)
	setRateHeaders(c, h.failures.decision(ip, now))
}
