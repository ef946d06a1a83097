package api

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/oncall"
	"github.com/alertifypro/alertifypro/store"
)

// The personal iCalendar feed (SPEC §11): calendar apps fetch it without a session, so
// the URL carries a random token (stored as its digest, compared in constant time),
// which its owner can rotate or revoke. It spans a week back and eight weeks ahead.
const (
	calendarTokenPrefix = "cal_"
	calendarBehind      = 7 * 24 * time.Hour
	calendarAhead       = 56 * 24 * time.Hour
)

// calendarHandlers serves /profile/on-call-calendar and /on-call/calendar/{token}.ics.
type calendarHandlers struct {
	*base
}

func (h *calendarHandlers) feedURL(token string) string {
	return strings.TrimRight(h.cfg.BaseURL, "/") + "/api/v1/on-call/calendar/" + token + ".ics"
}

// status answers whether the caller has a feed in the active organization (its URL is
// shown only when created: the token is not kept).
func (h *calendarHandlers) status(c *gin.Context) error {
	a := actorOf(c)
	t, err := h.store.CalendarFeed(a.org.ID, a.user.ID)
	if errors.Is(err, store.ErrNotFound) {
		c.JSON(http.StatusOK, gin.H{"enabled": false})
		return nil
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"enabled": true, "created_at": t.CreatedAt.UTC()})
	return nil
}

// rotate creates the caller's feed token, or replaces it (the old URL stops working), and
// answers the URL once.
func (h *calendarHandlers) rotate(c *gin.Context) error {
	// Session only: the feed URL is a credential of the person, not of a key.
	a, err := sessionActor(c)
	if err != nil {
		return err
	}
	token, err := crypto.RandomToken(calendarTokenPrefix, 32)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "calendar_feed.rotated", store.AuditResource{Type: "calendar_feed", ID: a.user.ID}, nil)
	if err := h.store.SetCalendarToken(a.org.ID, a.user.ID, crypto.Digest(token), audited(entry)); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, gin.H{"enabled": true, "token": token, "url": h.feedURL(token)})
	return nil
}

// revoke deletes the caller's feed token.
func (h *calendarHandlers) revoke(c *gin.Context) error {
	a, err := sessionActor(c)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "calendar_feed.revoked", store.AuditResource{Type: "calendar_feed", ID: a.user.ID}, nil)
	if err := h.store.SetCalendarToken(a.org.ID, a.user.ID, nil, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// feed answers the iCalendar of the token owner's shifts in every schedule of the
// organization. An unknown or revoked token, or an owner who left the organization, is 404.
func (h *calendarHandlers) feed(c *gin.Context) error {
	token, ok := strings.CutSuffix(c.Param("file"), ".ics")
	if !ok || !strings.HasPrefix(token, calendarTokenPrefix) {
		return errNotFound("Calendar feed")
	}
	orgID, userID, err := h.store.CalendarOwner(crypto.Digest(token))
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound("Calendar feed")
	} else if err != nil {
		return err
	}
	if _, err := h.store.Membership(orgID, userID); errors.Is(err, store.ErrNotFound) {
		return errNotFound("Calendar feed")
	} else if err != nil {
		return err
	}
	all, err := h.store.OnCallSchedules(orgID)
	if err != nil {
		return err
	}
	now := h.now()
	cal := newICalendar(now)
	for i := range all {
		s := &all[i]
		eng, err := oncall.Compile(s)
		if err != nil {
			return err
		}
		for _, sh := range eng.Render(now.Add(-calendarBehind), now.Add(calendarAhead)) {
			if sh.UserID == userID {
				cal.event(s.ID+"-"+sh.Start.UTC().Format("20060102T150405Z")+"@alertifypro", "On call: "+s.Name, sh.Start, sh.End)
			}
		}
	}
	c.Header("Cache-Control", "private, max-age=300")
	c.Data(http.StatusOK, "text/calendar; charset=utf-8", cal.bytes())
	return nil
}
