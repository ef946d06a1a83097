package api

import (
	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// audit records an event in the active organization's audit log (SPEC §3.17)
// on behalf of the caller. A failure to write the entry is logged, not
// returned: the change it describes has already been committed.
func (b *base) audit(c *gin.Context, event string, res store.AuditResource, meta map[string]any) {
	a := actorOf(c)
	if a.org == nil {
		return
	}
	b.auditIn(c, a.org.ID, event, res, meta)
}

// auditIn records an event in a given organization; it is used where the
// organization is not the active one (registration, login, admin actions).
func (b *base) auditIn(c *gin.Context, orgID, event string, res store.AuditResource, meta map[string]any) {
	entry := &store.AuditEntry{
		Timestamp: b.now(),
		Event:     event,
		Resource:  res,
		Metadata:  meta,
		Actor:     store.AuditActor{Type: "system", IP: c.ClientIP()},
	}
	if v, ok := c.Get(ctxActor); ok {
		a := v.(*actor)
		entry.Actor = store.AuditActor{Type: a.kind, ID: a.id(), Email: a.user.Email, IP: c.ClientIP()}
	}
	if err := b.store.AppendAudit(orgID, entry); err != nil {
		loggerFrom(c).Error("audit entry not written", "event", event, "error", err)
	}
}
