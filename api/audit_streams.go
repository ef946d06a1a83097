package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/auditstream"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/store"
)

// auditStreamHandlers serves /api/v1/audit-streams (admins and owners, like the audit log
// they stream) and GET /api/v1/audit-logs/retention. The auditstream package's Streamer
// delivers; these routes configure, show where delivery stands, and send test events.
type auditStreamHandlers struct {
	*base
	transport *auditstream.Transport // egress-guarded sends, secrets resolved; test events
}

// newAuditStreamHandlers uses d.AuditStreams, or a transport over the guard resolving
// secrets from the organizations' vault when it is nil.
func newAuditStreamHandlers(b *base, d Deps) *auditStreamHandlers {
	t := d.AuditStreams
	if t == nil && d.Guard != nil {
		t = auditstream.NewTransport(d.Guard, d.Sealer, b.secrets, "AlertifyPro/"+d.Version)
	}
	return &auditStreamHandlers{base: b, transport: t}
}

func auditStreamResource(s *store.AuditStream) store.AuditResource {
	return store.AuditResource{Type: "audit_stream", ID: s.ID, Name: s.Name}
}

// retention answers how long the organization's audit entries are kept.
func (h *auditStreamHandlers) retention(c *gin.Context) error {
	c.JSON(http.StatusOK, newAuditRetentionView(actorOf(c).org))
	return nil
}

// view renders s with its backlog.
func (h *auditStreamHandlers) view(s *store.AuditStream) (auditStreamView, error) {
	b, err := h.store.AuditStreamBacklog(s.OrgID, s.State.Cursor)
	if err != nil {
		return auditStreamView{}, err
	}
	return newAuditStreamView(s, b), nil
}

// list answers the organization's streams with their status, in creation order.
func (h *auditStreamHandlers) list(c *gin.Context) error {
	orgID := actorOf(c).org.ID
	return respondListJoined(c, func(q store.ListQuery) ([]store.AuditStream, string, error) {
		return h.store.ListAuditStreams(orgID, q, nil)
	}, h.view)
}

// get answers one stream with its status.
func (h *auditStreamHandlers) get(c *gin.Context) error {
	s, err := h.store.AuditStream(actorOf(c).org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	return h.answer(c, http.StatusOK, s)
}

func (h *auditStreamHandlers) answer(c *gin.Context, status int, s *store.AuditStream) error {
	v, err := h.view(s)
	if err != nil {
		return err
	}
	c.JSON(status, v)
	return nil
}

// create validates the stream, seals its URL and credentials under its new ID and stores
// it with its audit entry — the first entry it will deliver.
func (h *auditStreamHandlers) create(c *gin.Context) error {
	var req auditStreamRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	ch, err := h.validate(orgID, &req, nil)
	if err != nil {
		return err
	}
	s := &store.AuditStream{ID: store.NewID(), Secrets: map[string][]byte{}}
	if err := h.apply(orgID, s, ch); err != nil {
		return err
	}
	entry := h.auditEntry(c, "audit_stream.created", auditStreamResource(s), map[string]any{"type": s.Type, "enabled": s.Enabled})
	if err := h.store.CreateAuditStream(orgID, s, audited(entry)); err != nil {
		return err
	}
	return h.answer(c, http.StatusCreated, s)
}

// update changes the fields sent; the delivery state (cursor, backlog) is kept, and a
// stream in backoff is tried again at once.
func (h *auditStreamHandlers) update(c *gin.Context) error {
	orgID, id := actorOf(c).org.ID, c.Param("id")
	old, err := h.store.AuditStream(orgID, id)
	if err != nil {
		return err
	}
	var req auditStreamRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	ch, err := h.validate(orgID, &req, old)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "audit_stream.updated", auditStreamResource(old), map[string]any{
		"url_changed": !ch.keepURL, "credentials_changed": len(ch.secrets)+len(ch.dropped) > 0, "enabled": ch.enabled})
	s, err := h.store.UpdateAuditStream(orgID, id, func(s *store.AuditStream) error {
		if err := h.apply(orgID, s, ch); err != nil {
			return err
		}
		entry.Resource = auditStreamResource(s)
		return nil
	}, audited(entry))
	if err != nil {
		return err
	}
	return h.answer(c, http.StatusOK, s)
}

// apply copies a validated change onto s, sealing a new URL and new credentials bound to
// the organization and s.ID.
func (h *auditStreamHandlers) apply(orgID string, s *store.AuditStream, ch *auditStreamChange) error {
	s.Name, s.Type, s.Enabled, s.Settings = ch.name, ch.typ, ch.enabled, ch.settings
	if !ch.keepURL {
		s.DisplayURL, s.SealedURL = ch.display, nil
		if ch.url != "" {
			sealed, err := h.sealer.Seal([]byte(ch.url), orgID, auditstream.URLRecord(s.ID))
			if err != nil {
				return err
			}
			s.SealedURL = sealed
		}
	}
	if s.Secrets == nil {
		s.Secrets = map[string][]byte{}
	}
	for _, k := range ch.dropped {
		delete(s.Secrets, k)
	}
	for k, v := range ch.secrets {
		sealed, err := h.sealer.Seal([]byte(v), orgID, auditstream.SecretRecord(s.ID, k))
		if err != nil {
			return err
		}
		s.Secrets[k] = sealed
	}
	return nil
}

// delete removes the stream; what it had not delivered is no longer held from pruning.
func (h *auditStreamHandlers) delete(c *gin.Context) error {
	orgID := actorOf(c).org.ID
	s, err := h.store.AuditStream(orgID, c.Param("id"))
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "audit_stream.deleted", auditStreamResource(s), map[string]any{"type": s.Type})
	if err := h.store.DeleteAuditStream(orgID, s.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// test sends one test event (event "audit_stream.test", not part of the log) now, in the
// stream's format with its credentials, and answers what the receiver said. It sends even
// to a disabled stream: trying one before enabling it is the point. The test is audited.
func (h *auditStreamHandlers) test(c *gin.Context) error {
	a := actorOf(c)
	s, err := h.store.AuditStream(a.org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	probe := h.auditEntry(c, "audit_stream.test", auditStreamResource(s),
		map[string]any{"message": "This is a test event from AlertifyPro."})
	probe.ID = store.NewID()
	org := auditstream.Org{ID: a.org.ID, Name: a.org.Name}
	res := h.transport.Deliver(c.Request.Context(), s, org, []auditstream.Event{auditstream.NewEvent(org, probe)})
	v := auditStreamTestView{Delivered: res.Err == nil, EventID: probe.ID, Response: res.Response}
	if res.Status != 0 {
		v.StatusCode = &res.Status
	}
	if res.Err != nil {
		msg := res.Err.Error()
		v.Error = &msg
	}
	tested := h.auditEntry(c, "audit_stream.tested", auditStreamResource(s), map[string]any{"delivered": v.Delivered, "status_code": res.Status})
	if err := h.store.AppendAudit(a.org.ID, tested); err != nil {
		return err
	}
	c.JSON(http.StatusOK, v)
	return nil
}

// privateEgress reports whether EGRESS_POLICY is private, the one policy under which a
// stream may use plain http (a SIEM inside the network).
func (h *auditStreamHandlers) privateEgress() bool {
	return h.cfg != nil && strings.EqualFold(strings.TrimSpace(h.cfg.EgressPolicy), egress.ModePrivate)
}
