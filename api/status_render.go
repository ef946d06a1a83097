package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	assets "github.com/alertifypro/alertifypro/embed"
)

// statusRenderer renders the public status page from the embedded template. The page has
// no script and its only style is one <style> element (base CSS, the branding colour and
// the page's custom CSS), so the Content-Security-Policy can name that element's SHA-256
// instead of allowing 'unsafe-inline': every colour is a class, never a style attribute.
// Every word on the page comes from the catalogue of the page's language.
type statusRenderer struct {
	page    *template.Template
	baseCSS string
	locales map[string]*statusLocale
}

// newStatusRenderer parses the embedded template and catalogues once at start-up.
func newStatusRenderer() (*statusRenderer, error) {
	fsys := assets.StatusTemplates()
	css, err := fs.ReadFile(fsys, "page.css")
	if err != nil {
		return nil, err
	}
	locales, err := loadStatusLocales(fsys)
	if err != nil {
		return nil, err
	}
	t, err := template.New("page.html").Funcs(template.FuncMap{
		"lastDaysUptime": lastDaysUptime,
		"inLocale":       func(l *statusLocale, i publicIncident) incidentInLocale { return incidentInLocale{L: l, I: i} },
		"componentNames": componentNames,
	}).ParseFS(fsys, "page.html")
	if err != nil {
		return nil, err
	}
	return &statusRenderer{page: t, baseCSS: string(css), locales: locales}, nil
}

// locale is the catalogue of a page's language; pages saved before languages existed
// have none and are English.
func (r *statusRenderer) locale(lang string) *statusLocale {
	if l, ok := r.locales[lang]; ok {
		return l
	}
	return r.locales[statusLanguages[0]]
}

// componentNames lists an incident's affected components, comma-separated.
func componentNames(refs []publicRef) string {
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.Name
	}
	return strings.Join(names, ", ")
}

// stateText is the English wording of a public state.
func stateText(s string) string {
	return englishStatus.State(s)
}

// englishStatus is the English catalogue, for wording outside a rendered page.
var englishStatus = statusCatalogues["en"]

// lastDaysUptime is the uptime over the last n bars (what a phone shows), or nil without
// checks in them.
func lastDaysUptime(days []publicDay, n int) *float64 {
	var up, counted int
	for _, d := range days[max(0, len(days)-n):] {
		up, counted = up+d.up, counted+d.counted
	}
	if counted == 0 {
		return nil
	}
	pct := float64(up) / float64(counted) * 100
	return &pct
}

// statusPageData is what the template sees.
type statusPageData struct {
	Page *publicPage
	// L is the page's language: its messages and its date and number formats.
	L          *statusLocale
	Title      string
	CSS        template.CSS
	RecentDays int
	// RefreshSeconds is the page's <meta http-equiv="refresh">: it reloads itself without
	// script (SPEC §7) once per statusRefresh.
	RefreshSeconds int
	// Still is the rendering without the refresh: a visitor turned it off (WCAG 2.2.1
	// asks that a time limit can be turned off; the page links to either variant).
	Still bool
	// ShortDays is how many bars a phone-width screen shows (page.css hides the rest).
	ShortDays int
}

// statusRefresh is how often an open public page reloads itself: six lifetimes of the
// page cache (statusCacheTTL, also the response's max-age), so every reload gets a newly
// built page and the cache absorbs many open tabs; and long enough that a visitor typing
// an address into the subscribe form can finish before the page reloads.
const statusRefresh = 6 * statusCacheTTL

// phoneBars is the number of daily bars shown at phone width.
const phoneBars = 30

// render builds the cache entry of a page: the model, its JSON, its HTML and the CSP
// naming the hash of the page's style element.
func (r *statusRenderer) render(p *publicPage) (*cachedPage, error) {
	js, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	css := r.baseCSS
	if p.Branding.PrimaryColor != "" {
		css += newBrandPalette(p.Branding.PrimaryColor).css() // validated #rrggbb
	}
	// Custom CSS was capped and stripped of "</style" when saved (status_page_request.go).
	css += strings.ReplaceAll(p.Branding.CustomCSS, "</", "<\\/")
	title := p.Branding.CompanyName
	if title == "" {
		title = p.Name
	}
	data := statusPageData{Page: p, L: r.locale(p.Language), Title: title, CSS: template.CSS(css), RecentDays: recentIncidentDays,
		RefreshSeconds: int(statusRefresh / time.Second), ShortDays: phoneBars}
	live, err := r.renderHTML(data)
	if err != nil {
		return nil, err
	}
	data.Still = true
	still, err := r.renderHTML(data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(css))
	return &cachedPage{page: p, json: js, live: live, still: still,
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"img-src https: http:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"}, nil
}

// renderHTML executes the page template and gzips the result once (a 90-day page is
// mostly repetitive bar markup: compressing it per request would cost every request).
func (r *statusRenderer) renderHTML(data statusPageData) (renderedHTML, error) {
	var out bytes.Buffer
	if err := r.page.Execute(&out, data); err != nil {
		return renderedHTML{}, fmt.Errorf("render status page %s: %w", data.Page.Slug, err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(out.Bytes()); err != nil {
		return renderedHTML{}, err
	}
	if err := zw.Close(); err != nil {
		return renderedHTML{}, err
	}
	etag := sha256.Sum256(out.Bytes())
	return renderedHTML{html: out.Bytes(), gzip: gz.Bytes(), etag: `"` + base64.RawURLEncoding.EncodeToString(etag[:12]) + `"`}, nil
}
