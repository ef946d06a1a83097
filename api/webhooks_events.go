package api

import (
	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// webhookEvent is an event for the webhook subscriptions of the organization a write
// belongs to (SPEC §3.15). It rides in that write's store.Change, so it is queued exactly
// when the change it reports commits.
func (b *base) webhookEvent(name string, data map[string]any) *store.Event {
	return &store.Event{Name: name, At: b.now().UTC(), Data: data}
}

// memberEvent is the data of member.invited / member.removed: data.member describes the
// person (status "invited" for an invitation to an e-mail without an account, "added" for
// an existing account added at once, "removed"), data.by the acting user.
func memberEvent(c *gin.Context, member map[string]any) map[string]any {
	a := actorOf(c)
	by := map[string]any{"user_id": nil, "api_key_id": nil}
	if a.user != nil {
		by["user_id"] = a.user.ID
	}
	if a.apiKey != nil {
		by["api_key_id"] = a.apiKey.ID
	}
	return map[string]any{"member": member, "by": by}
}
