package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// heartbeatHandlers serves /api/v1/heartbeats (SPEC §3.14); the public ping path is
// heartbeatPinger (heartbeat_ping.go).
type heartbeatHandlers struct {
	*base
}

// maxKeyAttempts bounds redraws of a colliding unique_key (64 random bits: a collision is
// already rare; three in a row means something else is wrong).
const maxKeyAttempts = 3

// heartbeat loads the :id heartbeat of the active organization; any other is 404.
func (h *heartbeatHandlers) heartbeat(c *gin.Context) (*store.Heartbeat, error) {
	return h.store.Heartbeat(actorOf(c).org.ID, c.Param("id"))
}

func (h *heartbeatHandlers) view(hb *store.Heartbeat) heartbeatView {
	return newHeartbeatView(hb, h.cfg.BaseURL)
}

func (h *heartbeatHandlers) list(c *gin.Context) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	beats, err := h.store.Heartbeats(actorOf(c).org.ID)
	if err != nil {
		return err
	}
	views := make([]heartbeatView, 0, len(beats))
	for i := range beats {
		views = append(views, h.view(&beats[i]))
	}
	c.JSON(http.StatusOK, paginate(c, views, func(v heartbeatView) string { return v.ID }, p))
	return nil
}

// create stores a healthy heartbeat whose first deadline counts from now.
func (h *heartbeatHandlers) create(c *gin.Context) error {
	var req heartbeatRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	org := actorOf(c).org
	hb := &store.Heartbeat{ID: store.NewID()}
	if _, err := req.apply(hb, true, org.Settings.Timezone); err != nil {
		return err
	}
	entry := h.auditEntry(c, "heartbeat.created", heartbeatRes(hb), map[string]any{"schedule": hb.Schedule})
	if err := h.insertHeartbeat(org.ID, hb, audited(entry)); err != nil {
		return err
	}
	c.JSON(http.StatusCreated, h.view(hb))
	return nil
}

// insertHeartbeat stores a validated new heartbeat (hb.ID may be preset): healthy, its
// first deadline counted from now, with a fresh ping key (drawn again on the rare
// collision the store's key index reports), with change. Import creates heartbeats through
// it too.
func (b *base) insertHeartbeat(orgID string, hb *store.Heartbeat, change *store.Change) error {
	now := b.now()
	hb.Status, hb.CreatedAt = store.HeartbeatHealthy, now
	if err := restartDeadline(hb, now); err != nil {
		return err
	}
	id := hb.ID
	for attempt := 1; ; attempt++ {
		key, err := newHeartbeatKey(hb.Name)
		if err != nil {
			return err
		}
		hb.UniqueKey, hb.KeyDigest = key, crypto.Digest(key)
		err = b.store.CreateHeartbeat(orgID, hb, change)
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrConflict) || attempt == maxKeyAttempts {
			return err
		}
		hb.ID = id
	}
}

func (h *heartbeatHandlers) get(c *gin.Context) error {
	hb, err := h.heartbeat(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, h.view(hb))
	return nil
}

// update changes name, schedule, timezone or grace; a new schedule or zone restarts the
// deadline from now (a paused or down heartbeat keeps waiting for resume or a ping).
func (h *heartbeatHandlers) update(c *gin.Context) error {
	if _, err := h.heartbeat(c); err != nil {
		return err // 404 before the body is judged
	}
	var req heartbeatRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	org, now := actorOf(c).org, h.now()
	entry := h.auditEntry(c, "heartbeat.updated", store.AuditResource{}, nil)
	hb, err := h.store.UpdateHeartbeat(org.ID, c.Param("id"), naming(entry, heartbeatRes, func(hb *store.Heartbeat) error {
		return req.update(hb, org.Settings.Timezone, now)
	}), audited(entry))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, h.view(hb))
	return nil
}

func (h *heartbeatHandlers) delete(c *gin.Context) error {
	hb, err := h.heartbeat(c)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "heartbeat.deleted", heartbeatRes(hb), nil)
	if err := h.store.DeleteHeartbeat(hb.OrgID, hb.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

func (h *heartbeatHandlers) pause(c *gin.Context) error {
	return h.setPaused(c, true, "heartbeat.paused")
}

// resume makes a paused heartbeat healthy with a full period until its next deadline.
func (h *heartbeatHandlers) resume(c *gin.Context) error {
	return h.setPaused(c, false, "heartbeat.resumed")
}

// setPaused pauses or resumes; repeating it is a harmless no-op (200, no write, no audit).
func (h *heartbeatHandlers) setPaused(c *gin.Context, paused bool, event string) error {
	orgID, id, now := actorOf(c).org.ID, c.Param("id"), h.now()
	entry := h.auditEntry(c, event, store.AuditResource{}, nil)
	hb, err := h.store.UpdateHeartbeat(orgID, id, naming(entry, heartbeatRes, func(hb *store.Heartbeat) error {
		if (hb.Status == store.HeartbeatPaused) == paused {
			return errUnchanged
		}
		if paused {
			hb.Status, hb.NextExpectedAt, hb.StartedAt = store.HeartbeatPaused, nil, nil
			return nil
		}
		hb.Status = store.HeartbeatHealthy
		return restartDeadline(hb, now)
	}), audited(entry))
	if errors.Is(err, errUnchanged) {
		hb, err = h.store.Heartbeat(orgID, id)
		if err != nil {
			return err
		}
		c.JSON(http.StatusOK, h.view(hb))
		return nil
	}
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, h.view(hb))
	return nil
}

// pings lists the kept pings (at most 100), newest first.
func (h *heartbeatHandlers) pings(c *gin.Context) error {
	pings, err := h.store.HeartbeatPings(actorOf(c).org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newPingViews(pings))
	return nil
}
