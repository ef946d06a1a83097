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

// heartbeats is the resource the heartbeat routes share.
func (h *heartbeatHandlers) heartbeats() resource[store.Heartbeat, heartbeatView] {
	return resource[store.Heartbeat, heartbeatView]{base: h.base, event: "heartbeat",
		load: h.store.Heartbeat, page: h.store.ListHeartbeats, insert: h.insertHeartbeat,
		save: h.store.UpdateHeartbeat, remove: h.store.DeleteHeartbeat,
		id: func(hb *store.Heartbeat) string { return hb.ID }, audit: heartbeatRes,
		view: func(hb *store.Heartbeat) heartbeatView { return newHeartbeatView(hb, h.cfg.BaseURL) }}
}

func (h *heartbeatHandlers) list(c *gin.Context) error { return h.heartbeats().list(c) }

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
	return h.heartbeats().create(c, hb, map[string]any{"schedule": hb.Schedule})
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

func (h *heartbeatHandlers) get(c *gin.Context) error { return h.heartbeats().get(c) }

// update changes name, schedule, timezone or grace; a new schedule or zone restarts the
// deadline from now (a paused or down heartbeat keeps waiting for resume or a ping).
func (h *heartbeatHandlers) update(c *gin.Context) error {
	r := h.heartbeats()
	var req heartbeatRequest
	if _, err := r.bind(c, &req); err != nil {
		return err
	}
	tz, now := actorOf(c).org.Settings.Timezone, h.now()
	return r.update(c, "updated", nil, func(hb *store.Heartbeat) error {
		return req.update(hb, tz, now)
	})
}

func (h *heartbeatHandlers) delete(c *gin.Context) error { return h.heartbeats().delete(c) }

func (h *heartbeatHandlers) pause(c *gin.Context) error {
	return h.setPaused(c, true, "paused")
}

// resume makes a paused heartbeat healthy with a full period until its next deadline.
func (h *heartbeatHandlers) resume(c *gin.Context) error {
	return h.setPaused(c, false, "resumed")
}

// setPaused pauses or resumes; repeating it is a harmless no-op (200, no write, no audit).
func (h *heartbeatHandlers) setPaused(c *gin.Context, paused bool, action string) error {
	now := h.now()
	return h.heartbeats().update(c, action, nil, func(hb *store.Heartbeat) error {
		if (hb.Status == store.HeartbeatPaused) == paused {
			return errUnchanged
		}
		if paused {
			hb.Status, hb.NextExpectedAt, hb.StartedAt = store.HeartbeatPaused, nil, nil
			return nil
		}
		hb.Status = store.HeartbeatHealthy
		return restartDeadline(hb, now)
	})
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
