package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// Context keys of a SCIM request: the organization of the URL and the token that proved
// the caller may provision it.
const (
	ctxSCIMOrg   = "scim_org"
	ctxSCIMToken = "scim_token"
)

var (
	// scimFailureLimit bounds the failed SCIM calls one client may make (a wrong token, a
	// malformed request): each is audited, and guesses at tokens must stay slow.
	scimFailureLimit = rateLimit{perMinute: 60, burst: 30}
	// scimTokenLimit bounds one token's calls; an initial sync of a large directory
	// stays well inside it.
	scimTokenLimit = rateLimit{perMinute: 1200, burst: 600}
)

// scimHandlers serves /scim/v2/{org_slug}/ (SPEC §10) for the organization's identity
// provider, authenticated by an organization SCIM token.
type scimHandlers struct {
	*base
	limits *rateLimiter
}

// scimHandlerFunc is a SCIM endpoint: it writes its answer or returns an error, which
// becomes a SCIM error body.
type scimHandlerFunc func(c *gin.Context, org *store.Organization) error

// authenticate resolves the organization of the URL and checks the bearer token against
// that organization's SCIM tokens only. An unknown organization and a token of another
// organization get the same 401 as a wrong token. A client past its failure limit gets
// 429 for anything but a valid token, so guesses from the identity provider's address
// cannot lock the identity provider out.
func (h *scimHandlers) authenticate() gin.HandlerFunc {
	return func(c *gin.Context) {
		now := h.now()
		var tok *store.SCIMToken
		org, err := h.store.OrganizationBySlug(c.Param("org_slug"))
		if err == nil {
			c.Set(ctxSCIMOrg, org)
			if raw, ok := bearerToken(c.GetHeader("Authorization")); ok {
				tok, _ = h.store.SCIMTokenByDigest(org.ID, crypto.Digest(raw))
			}
		}
		if tok == nil {
			client := rateKey{kind: 'S', id: clientBucket(c)}
			if d := h.limits.peek(client, scimFailureLimit, now); !d.allowed {
				c.Header("Retry-After", strconv.Itoa(max(1, int(d.retryAt.Sub(now).Seconds()))))
				writeSCIMError(c, &scimError{Status: http.StatusTooManyRequests,
					Detail: "Too many refused SCIM requests from this address; retry later."})
				return
			}
			h.failed(c, scimUnauthorized())
			if org == nil {
				h.limits.take(client, scimFailureLimit, now) // failed counts only a known organization's
			}
			return
		}
		c.Set(ctxSCIMToken, tok)
		if d := h.limits.take(rateKey{kind: 's', id: tok.ID}, scimTokenLimit, now); !d.allowed {
			c.Header("Retry-After", strconv.Itoa(max(1, int(d.retryAt.Sub(now).Seconds()))))
			writeSCIMError(c, &scimError{Status: http.StatusTooManyRequests, Detail: "Too many SCIM requests with this token."})
			return
		}
		c.Next()
	}
}

// scim adapts fn to Gin: an error becomes a SCIM error body; a refused request is audited.
func (h *scimHandlers) scim(fn scimHandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		org := c.MustGet(ctxSCIMOrg).(*store.Organization)
		if err := fn(c, org); err != nil {
			e, known := toSCIMError(err)
			if !known {
				loggerFrom(c).Error("scim request failed", "error", err.Error())
				writeSCIMError(c, e)
				return
			}
			h.failed(c, e)
		}
	}
}

// failed answers e and, for a refused request of a known organization, records
// scim.request_failed in its audit log (SPEC §10: every refused attempt is audited). A
// refusal without a valid token counts against the client's failure limit, which bounds
// both token guessing and the audit entries it writes; a valid token's mistakes are
// bounded by the token's own limit.
func (h *scimHandlers) failed(c *gin.Context, e *scimError) {
	writeSCIMError(c, e)
	v, ok := c.Get(ctxSCIMOrg)
	if !ok || e.Status >= http.StatusInternalServerError {
		return
	}
	if _, verified := c.Get(ctxSCIMToken); !verified {
		h.limits.take(rateKey{kind: 'S', id: clientBucket(c)}, scimFailureLimit, h.now())
	}
	org := v.(*store.Organization)
	entry := h.scimAudit(c, "scim.request_failed", store.AuditResource{Type: "scim", Name: c.Request.Method + " " + c.Request.URL.Path},
		map[string]any{"status": e.Status, "scim_type": e.ScimType, "detail": e.Detail})
	if err := h.store.AppendAudit(org.ID, entry); err != nil {
		loggerFrom(c).Error("scim: audit a refused request", "error", err.Error())
	}
}

// scimAudit builds the audit entry of a SCIM call: the actor is the SCIM token (none yet
// when the token was refused).
func (h *scimHandlers) scimAudit(c *gin.Context, event string, res store.AuditResource, meta map[string]any) *store.AuditEntry {
	actor := store.AuditActor{Type: "scim_token", IP: c.ClientIP()}
	if v, ok := c.Get(ctxSCIMToken); ok {
		t := v.(*store.SCIMToken)
		actor.ID = t.ID
	}
	return &store.AuditEntry{Timestamp: h.now(), Event: event, Resource: res, Metadata: meta, Actor: actor}
}
