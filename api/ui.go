package api

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	assets "github.com/alertifypro/alertifypro/embed"
)

// The admin UI (SPEC §7) is a single-page app of native ES modules embedded from
// embed/dist. Every file is served under /assets/<hash>/ where hash covers the whole
// dist tree, so a new build changes every URL at once: relative ES imports stay under
// the same immutable prefix, and browsers never mix files of two versions.
// index.html is the only file that is revalidated (no-cache); it carries the prefix.

// uiAssetPrefixPlaceholder is replaced in index.html, at start-up, by /assets/<hash>.
const uiAssetPrefixPlaceholder = "%ASSETS%"

// uiCSP forbids inline scripts and event-handler attributes: the app is all modules
// loaded from 'self'. img-src allows https: for organization logos on status pages.
const uiCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// uiServer serves the embedded admin UI.
type uiServer struct {
	assets map[string]*uiAsset // every file of dist, by path
	hash   string              // hex sha256 of every path and file of dist
	prefix string              // "/assets/" + hash
	index  []byte              // index.html with the placeholder substituted
}

func newUIServer(files fs.FS) (*uiServer, error) {
	assets, hash, err := loadUIAssets(files)
	if err != nil {
		return nil, err
	}
	raw, ok := assets["index.html"]
	if !ok {
		return nil, fs.ErrNotExist
	}
	u := &uiServer{assets: assets, hash: hash, prefix: "/assets/" + hash}
	u.index = bytes.ReplaceAll(raw.body, []byte(uiAssetPrefixPlaceholder), []byte(u.prefix))
	return u, nil
}

func uiSecurityHeaders(c *gin.Context) {
	c.Header("Content-Security-Policy", uiCSP)
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("X-Frame-Options", "DENY")
	c.Header("Referrer-Policy", "strict-origin-when-cross-origin")
}

// serveIndex answers the shell page; the client-side router picks the view.
func (u *uiServer) serveIndex(c *gin.Context) {
	uiSecurityHeaders(c)
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", u.index)
}

// serveAsset answers /assets/<hash>/<file>. A stale hash (a page loaded before an
// upgrade asking for an old file) is a 404, never the new file under the old URL:
// that would be cached as immutable under a name it does not belong to.
func (u *uiServer) serveAsset(c *gin.Context) {
	uiSecurityHeaders(c)
	name := strings.TrimPrefix(path.Clean(c.Param("file")), "/")
	a, ok := u.assets[name]
	if c.Param("hash") != u.hash || !ok || name == "index.html" {
		c.Header("Cache-Control", "no-store")
		c.String(http.StatusNotFound, "not found")
		return
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	body := a.body
	// Compressed once (ui_assets.go); the compression middleware passes an answer that
	// already has a Content-Encoding through untouched.
	if gz := a.gzipped(); gz != nil && acceptsCoding(c.GetHeader("Accept-Encoding"), codingGzip) {
		c.Header("Content-Encoding", codingGzip)
		body = gz
	}
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(http.StatusOK, a.ctype, body)
}

// noRoute sends browsers' deep links (/services/42, /alerts) to the app, while
// the API, the public status pages and the metrics endpoint keep their own
// JSON 404 for unknown paths.
func (u *uiServer) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
	if strings.HasPrefix(p, "/scim/") { // the SCIM surface answers its own error body (scim_errors.go)
		writeSCIMError(c, &scimError{Status: http.StatusNotFound, Detail: "There is no such SCIM endpoint."})
		return
	}
	if (c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead) && !isServerPath(p) {
		u.serveIndex(c)
		return
	}
	writeError(c, errNotFound("Route"))
}

func isServerPath(p string) bool {
	for _, root := range []string{"/api", "/status", "/metrics", "/assets"} {
		if p == root || strings.HasPrefix(p, root+"/") {
			return true
		}
	}
	return false
}

// registerUI adds the admin UI's routes; unknown paths fall back to its shell.
func registerUI(r *gin.Engine) error {
	u, err := newUIServer(assets.UI())
	if err != nil {
		return err
	}
	r.GET("/", u.serveIndex)
	r.HEAD("/", u.serveIndex)
	r.GET("/assets/:hash/*file", u.serveAsset)
	r.HEAD("/assets/:hash/*file", u.serveAsset)
	r.NoRoute(u.noRoute)
	return nil
}
