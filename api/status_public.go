package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
)

// publicStatusHandlers serves the unauthenticated status-page surfaces (SPEC §3.16, §2.6):
// GET /status/:slug (HTML), /status/:slug/feed.rss and .atom, GET
// /api/v1/public/status-pages/:slug (JSON) and the badges. Everything is served from the
// statusCache; private pages answer 404 unless the request carries the bearer token of a
// member of the page's organization.
type publicStatusHandlers struct {
	*base
	cache    *statusCache
	renderer *statusRenderer
}

// newPublicStatusHandlers builds the handlers and the cache they share with the
// status-page and incident write handlers (which invalidate it).
func newPublicStatusHandlers(b *base) (*publicStatusHandlers, error) {
	r, err := newStatusRenderer()
	if err != nil {
		return nil, err
	}
	x := &publicStatusHandlers{base: b, renderer: r}
	x.cache = newStatusCache(b.now, x.loadPublicPage)
	return x, nil
}

// visiblePage returns the cached view of :slug when the caller may see it; an unknown
// slug and a private page seen by a non-member are the same 404, so a private page's
// existence does not leak.
func (h *publicStatusHandlers) visiblePage(c *gin.Context) (*cachedPage, error) {
	e, err := h.cache.get(c.Param("slug"))
	if err != nil {
		return nil, err
	}
	if e.page == nil || (!e.page.isPublic && !h.isMember(c, e.page.orgID)) {
		return nil, errNotFound("Status page")
	}
	return e, nil
}

// isMember reports whether the request's bearer token (a JWT or an API key, checked as
// strictly as authenticate does) belongs to a member of organization orgID. Invalid
// tokens simply do not grant access: this surface never answers 401.
func (h *publicStatusHandlers) isMember(c *gin.Context, orgID string) bool {
	token, ok := bearerToken(c.GetHeader("Authorization"))
	if !ok {
		return false
	}
	if strings.HasPrefix(token, apiKeyPrefix) {
		key, err := h.store.APIKeyByDigest(crypto.Digest(token))
		if err != nil || key.OrgID != orgID || (key.ExpiresAt != nil && !h.now().Before(*key.ExpiresAt)) {
			return false
		}
		_, err = h.store.Membership(orgID, key.CreatedBy)
		return err == nil
	}
	claims, err := h.tokens.Verify(token)
	if err != nil {
		return false
	}
	user, err := h.store.User(claims.UserID)
	if err != nil || user.TokenVersion != claims.TokenVersion {
		return false
	}
	_, err = h.store.Membership(orgID, user.ID)
	return err == nil
}

// uiHeaders sets the security headers of an HTML response (SPEC §5). Private pages and
// member views must not be kept by shared caches.
func uiHeaders(c *gin.Context, e *cachedPage, contentType string) {
	h := c.Writer.Header()
	h.Set("Content-Type", contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	setPageCache(h, e.page.isPublic, publicPageCacheControl(), "private, no-store")
}

// publicPageCacheControl lets shared caches keep a public page as long as ours does.
func publicPageCacheControl() string {
	return "public, max-age=" + strconv.Itoa(int(statusCacheTTL/time.Second))
}

// setPageCache sets the Cache-Control of a response drawn from a status page: public for
// a public page's, private for a private page's, which shared caches must not keep.
func setPageCache(h http.Header, isPublic bool, public, private string) {
	if isPublic {
		h.Set("Cache-Control", public)
		return
	}
	h.Set("Cache-Control", private)
}

// notFoundPage is what a browser gets for an unknown (or private) status page: a person,
// not a program, follows these links, so it is a page, not the API's JSON error.
const notFoundPage = `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
	`<meta name="viewport" content="width=device-width, initial-scale=1"><title>Status page not found</title></head>` +
	`<body><h1>Status page not found</h1><p>There is no public status page at this address. Check the link you followed.</p></body></html>`

// html serves GET /status/:slug; ?refresh=off serves it without the self-reload.
func (h *publicStatusHandlers) html(c *gin.Context) error {
	e, err := h.visiblePage(c)
	var apiErr *Error
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
		hdr := c.Writer.Header()
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
		hdr.Set("Cache-Control", "no-store")
		c.Status(http.StatusNotFound)
		_, _ = c.Writer.WriteString(notFoundPage)
		return nil
	}
	if err != nil {
		return err
	}
	uiHeaders(c, e, "text/html; charset=utf-8")
	hdr := c.Writer.Header()
	hdr.Set("Content-Security-Policy", e.csp)
	variant := e.live
	if c.Query("refresh") == "off" {
		variant = e.still
	}
	hdr.Set("ETag", variant.etag)
	hdr.Set("Vary", "Accept-Encoding, Authorization")
	if match := c.GetHeader("If-None-Match"); match != "" && match == variant.etag {
		c.Status(http.StatusNotModified)
		return nil
	}
	body := variant.html
	if acceptsCoding(c.GetHeader("Accept-Encoding"), codingGzip) {
		hdr.Set("Content-Encoding", "gzip")
		body = variant.gzip
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write(body)
	return nil
}

// json serves GET /api/v1/public/status-pages/:slug.
func (h *publicStatusHandlers) json(c *gin.Context) error {
	e, err := h.visiblePage(c)
	if err != nil {
		return err
	}
	if !e.page.isPublic {
		c.Header("Cache-Control", "private, no-store")
	}
	c.Data(http.StatusOK, "application/json; charset=utf-8", e.json)
	return nil
}
