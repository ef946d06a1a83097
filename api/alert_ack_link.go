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

// ackLinkHandlers serves the public GET /api/v1/alerts/{id}/ack?token=… (SPEC §3.10):
// the signed, expiring link notifications carry. It needs no login; the token is the
// authority, and it acknowledges only the alert it was issued for.
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

// ackLinkAnswer is the small confirmation the link answers with.
type ackLinkAnswer struct {
	Status  string `json:"status"`
	AlertID string `json:"alert_id"`
}

// ack verifies the token and acknowledges the alert. A bad, expired or foreign token is
// 404 (as an unknown alert is), so tokens cannot be probed; an alert already acknowledged
// answers 200 as if this click did it, since a second click from the same e-mail is not
// an error; a resolved alert is 409.
func (h *ackLinkHandlers) ack(c *gin.Context) error {
	if h.alerter == nil {
		return errNoAlerter
	}
	ip, id := clientBucket(c), c.Param("id")
	if err := h.blocked(c, ip); err != nil {
		return err
	}
	orgID, err := h.alerter.VerifyAck(id, c.Query("token"))
	if err != nil {
		h.failed(c, ip)
		return errNotFound("Alert")
	}
	cur, err := h.store.Alert(orgID, id)
	if err != nil {
		return err // deleted since the link was sent
	}
	entry := h.auditEntry(c, "alert.acknowledged", alertRes(cur), map[string]any{"via": ackByLink})
	alert, err := h.alerter.Acknowledge(orgID, id, ackByLink, "", audited(entry))
	switch {
	case errors.Is(err, store.ErrConflict): // a second click is fine, a resolved alert is not
		cur, lerr := h.store.Alert(orgID, id)
		if lerr != nil {
			return lerr
		}
		if cur.Status != store.AlertAcknowledged {
			return errConflict("The alert is already " + cur.Status + "; nothing was changed.")
		}
		c.JSON(http.StatusOK, ackLinkAnswer{Status: store.AlertAcknowledged, AlertID: id})
		return nil
	case err != nil:
		return err
	}
	c.JSON(http.StatusOK, ackLinkAnswer{Status: store.AlertAcknowledged, AlertID: alert.ID})
	return nil
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
