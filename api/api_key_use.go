package api

import (
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// apiKeyTouchEvery spaces the writes of a key's last_used_at: a key used many times a
// second costs one write a minute, not one per request.
const apiKeyTouchEvery = time.Minute

// maxAPIKeyUses bounds the keys apiKeyUses remembers; past it, entries older than the
// audit hour (which decide nothing any more) are dropped.
const maxAPIKeyUses = 10_000

// apiKeyUses remembers, per API key, when this process last wrote its api_key.used audit
// entry (SPEC §3.17: at most once per key per hour). The key record keeps the same time
// (store.APIKey.UseAuditedAt) for restarts and other requests; the memory spares a request
// racing another for the hour's entry a write transaction of its own.
type apiKeyUses struct {
	mu   sync.Mutex
	last map[string]time.Time
}

// claim reports whether key's use is due for the audit log at now and, if so, records now
// as its time, so concurrent requests of the key do not all try.
func (u *apiKeyUses) claim(key *store.APIKey, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	last := u.last[key.ID]
	if key.UseAuditedAt != nil && key.UseAuditedAt.After(last) {
		last = *key.UseAuditedAt
	}
	if !last.IsZero() && now.Sub(last) < store.APIKeyUseAuditEvery {
		return false
	}
	if u.last == nil {
		u.last = make(map[string]time.Time)
	}
	if len(u.last) >= maxAPIKeyUses {
		for id, t := range u.last {
			if now.Sub(t) >= store.APIKeyUseAuditEvery {
				delete(u.last, id)
			}
		}
	}
	u.last[key.ID] = now
	return true
}

// release forgets a claim whose write failed, so the next request tries again.
func (u *apiKeyUses) release(keyID string, claimed time.Time) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.last[keyID].Equal(claimed) {
		delete(u.last, keyID)
	}
}

// recordKeyUse keeps key's last_used_at (at most once a minute) and, at most once an hour,
// writes api_key.used naming the endpoint, in the same transaction. Failures are logged:
// a request is not refused because its bookkeeping could not be written.
func (b *base) recordKeyUse(c *gin.Context, key *store.APIKey, creator *store.User, now time.Time) {
	audit := b.keyUses.claim(key, now)
	if !audit && key.LastUsedAt != nil && now.Sub(*key.LastUsedAt) <= apiKeyTouchEvery {
		return
	}
	var used *store.AuditEntry
	if audit {
		used = &store.AuditEntry{Timestamp: now, Event: "api_key.used",
			Actor:    store.AuditActor{Type: "api_key", ID: key.ID, Email: creator.Email, IP: c.ClientIP()},
			Resource: apiKeyRes(key),
			// The path without the query, which may carry values that are nobody's business.
			Metadata: map[string]any{"endpoint": c.Request.Method + " " + c.Request.URL.Path}}
	}
	if err := b.store.RecordAPIKeyUse(key.OrgID, key.ID, now, used); err != nil {
		if audit {
			b.keyUses.release(key.ID, now)
		}
		loggerFrom(c).Warn("api key use not recorded", "error", err)
	}
}
