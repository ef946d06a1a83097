package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"strconv"
	"strings"
	"time"

	assets "github.com/alertifypro/alertifypro/embed"
)

// statusRenderer renders the public status page from the embedded template. The page has
// no script and its only style is one <style> element (base CSS, the branding colour and
// the page's custom CSS), so the Content-Security-Policy can name that element's SHA-256
// instead of allowing 'unsafe-inline': every colour is a class, never a style attribute.
type statusRenderer struct {
	page    *template.Template
	baseCSS string
}

// newStatusRenderer parses the embedded template once at start-up.
func newStatusRenderer() (*statusRenderer, error) {
	fsys := assets.StatusTemplates()
	css, err := fs.ReadFile(fsys, "page.css")
	if err != nil {
		return nil, err
	}
	t, err := template.New("page.html").Funcs(template.FuncMap{
		"fmtTime":        func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"pct":            formatPct,
		"stateText":      stateText,
		"compText":       componentText,
		"bars":           barsHTML,
		"lastDaysUptime": lastDaysUptime,
		"uptime":         uptimeLabel,
	}).ParseFS(fsys, "page.html")
	if err != nil {
		return nil, err
	}
	return &statusRenderer{page: t, baseCSS: string(css)}, nil
}

// formatPct shows an uptime percentage with three decimals, or "no data".
func formatPct(p *float64) string {
	if p == nil {
		return "no data"
	}
	return strconv.FormatFloat(*p, 'f', 3, 64) + "%"
}

// stateText is the human wording of a public state.
func stateText(s string) string {
	switch s {
	case stateOperational:
		return "All systems operational"
	case stateDegraded:
		return "Degraded performance"
	case stateMajorOutage:
		return "Major outage"
	case statePartialOutage:
		return "Partial outage"
	case stateMaintenance:
		return "Under maintenance"
	case "none":
		return "No data"
	}
	return "Status unknown"
}

// barsHTML renders a component's daily bars in Go rather than in the template: a 90-day
// page has thousands of bars, and html/template's per-action escapers made them most of
// the render time. Every value is escaped here (states are a fixed set, dates and
// percentages are formatted by us, and still go through html.EscapeString).
func barsHTML(days []publicDay) template.HTML {
	var b strings.Builder
	b.Grow(len(days) * 64)
	for _, d := range days {
		b.WriteString(`<li class="s-`)
		b.WriteString(html.EscapeString(d.Status))
		b.WriteString(`" title="`)
		b.WriteString(html.EscapeString(d.Date + ": " + formatPct(d.Uptime)))
		b.WriteString(`"></li>`)
	}
	return template.HTML(b.String())
}

// uptimeLabel is the uptime under a component's bars: "99.950% uptime", or "No data yet".
func uptimeLabel(p *float64) string {
	if p == nil {
		return "No data yet"
	}
	return formatPct(p) + " uptime"
}

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

// componentText is the wording of one component's state.
func componentText(s string) string {
	if s == stateOperational {
		return "Operational"
	}
	if s == stateUnknown {
		return "Unknown"
	}
	return stateText(s)
}

// statusPageData is what the template sees.
type statusPageData struct {
	Page       *publicPage
	Title      string
	CSS        template.CSS
	RecentDays int
	// RefreshSeconds is the page's <meta http-equiv="refresh">: it reloads itself without
	// script (SPEC §7) once per statusRefresh.
	RefreshSeconds int
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
	var out bytes.Buffer
	data := statusPageData{Page: p, Title: title, CSS: template.CSS(css), RecentDays: recentIncidentDays,
		RefreshSeconds: int(statusRefresh / time.Second), ShortDays: phoneBars}
	if err := r.page.Execute(&out, data); err != nil {
		return nil, fmt.Errorf("render status page %s: %w", p.Slug, err)
	}
	sum := sha256.Sum256([]byte(css))
	// A 90-day page is mostly repetitive bar markup: gzip once here, not per request.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(out.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	etag := sha256.Sum256(out.Bytes())
	return &cachedPage{page: p, json: js, html: out.Bytes(), htmlGzip: gz.Bytes(),
		etag: `"` + base64.RawURLEncoding.EncodeToString(etag[:12]) + `"`,
		csp: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
			"img-src https: http:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"}, nil
}
