package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
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
	files  fs.FS
	hash   string // hex sha256 of every path and file of dist
	prefix string // "/assets/" + hash
	index  []byte // index.html with the placeholder substituted
}

func newUIServer(files fs.FS) (*uiServer, error) {
	hash, err := hashTree(files)
	if err != nil {
		return nil, err
	}
	raw, err := fs.ReadFile(files, "index.html")
	if err != nil {
		return nil, err
	}
	u := &uiServer{files: files, hash: hash, prefix: "/assets/" + hash}
	u.index = bytes.ReplaceAll(raw, []byte(uiAssetPrefixPlaceholder), []byte(u.prefix))
	return u, nil
}

// hashTree digests the paths and contents of every file in sorted order, so the
// hash changes when any file is added, renamed or edited.
func hashTree(files fs.FS) (string, error) {
	var names []string
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
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
	if c.Param("hash") != u.hash || name == "" || name == "." || name == "index.html" {
		c.Header("Cache-Control", "no-store")
		c.String(http.StatusNotFound, "not found")
		return
	}
	b, err := fs.ReadFile(u.files, name)
	if err != nil {
		c.Header("Cache-Control", "no-store")
		c.String(http.StatusNotFound, "not found")
		return
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	if strings.HasSuffix(name, ".js") { // some systems' mime tables lack .js or say application/javascript
		ctype = "text/javascript; charset=utf-8"
	}
	c.Header("Cache-Control", "public, max-age=31536000, immutable")
	c.Data(http.StatusOK, ctype, b)
}

// noRoute sends browsers' deep links (/services/42, /alerts) to the app, while
// the API, the public status pages and the metrics endpoint keep their own
// JSON 404 for unknown paths.
func (u *uiServer) noRoute(c *gin.Context) {
	p := c.Request.URL.Path
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
