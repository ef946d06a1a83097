package api

import (
	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// auditEntry builds the audit-log entry (SPEC §3.17) of a change the caller is about to
// make: the acting user or API key and the client's address ("system" when nobody is
// signed in, as for a public subscriber link). It is handed to the store call that makes
// the change (audited), so the entry commits with the change or not at all (SPEC §12).
func (b *base) auditEntry(c *gin.Context, event string, res store.AuditResource, meta map[string]any) *store.AuditEntry {
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
	return entry
}

// audited is the store.Change that records entry, and the webhook events, with the write
// it is passed to.
func audited(entry *store.AuditEntry, events ...*store.Event) *store.Change {
	return &store.Change{Audit: []*store.AuditEntry{entry}, Events: events}
}

// accountLog is where a change of the caller's own account, which belongs to no
// organization, is audited: the active organization's log, with an empty Change for the
// entries. A caller without an active organization has no log to write to: "", nil.
func accountLog(c *gin.Context) (orgID string, change *store.Change) {
	if a := actorOf(c); a.org != nil {
		return a.org.ID, &store.Change{}
	}
	return "", nil
}

// updateAccount changes the caller's own account through fn and records event (with meta)
// in the active organization's log when there is one (accountLog), in the same
// transaction; an error from fn writes nothing.
func (b *base) updateAccount(c *gin.Context, event string, meta map[string]any, fn func(*store.User) error) (*store.User, error) {
	orgID, change := accountLog(c)
	return b.store.UpdateUser(actorOf(c).user.ID, func(u *store.User) error {
		if err := fn(u); err != nil {
			return err
		}
		b.addAccountAudit(c, change, event, userResource(u), meta)
		return nil
	}, orgID, change)
}

// addAccountAudit adds the entry of event about res to change, the log accountLog chose
// for a change of the caller's own account; without an active organization (a nil change)
// there is no log and nothing is recorded.
func (b *base) addAccountAudit(c *gin.Context, change *store.Change, event string, res store.AuditResource, meta map[string]any) {
	if change != nil {
		change.Audit = append(change.Audit, b.auditEntry(c, event, res, meta))
	}
}
