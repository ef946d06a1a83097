package api

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// Shields.io "flat" palette.
const (
	badgeGreen       = "#4c1"
	badgeLightGreen  = "#97ca00"
	badgeYellow      = "#dfb317"
	badgeOrange      = "#fe7d37"
	badgeRed         = "#e05d44"
	badgeBlue        = "#007ec6"
	badgeGrey        = "#9f9f9f"
	badgeLabelColour = "#555"
	defaultBadgeDays = 30
)

// component finds :component_id on a visible page.
func (h *publicStatusHandlers) component(c *gin.Context) (*cachedPage, *publicComponent, error) {
	e, err := h.visiblePage(c)
	if err != nil {
		return nil, nil, err
	}
	for gi := range e.page.Groups {
		for ci := range e.page.Groups[gi].Components {
			if comp := &e.page.Groups[gi].Components[ci]; comp.ID == c.Param("component_id") {
				return e, comp, nil
			}
		}
	}
	return nil, nil, errNotFound("Component")
}

// statusBadge serves GET /api/v1/badge/:slug/:component_id/status.svg.
func (h *publicStatusHandlers) statusBadge(c *gin.Context) error {
	e, comp, err := h.component(c)
	if err != nil {
		return err
	}
	colour := map[string]string{stateOperational: badgeGreen, stateDegraded: badgeYellow,
		stateMajorOutage: badgeRed, stateMaintenance: badgeBlue}[comp.Status]
	if colour == "" {
		colour = badgeGrey
	}
	text := map[string]string{stateMajorOutage: "major outage"}[comp.Status]
	if text == "" {
		text = comp.Status
	}
	writeBadge(c, e, comp.Name, text, colour)
	return nil
}

// uptimeBadge serves GET /api/v1/badge/:slug/:component_id/uptime.svg?days=30: the uptime
// over the last days daily bars of the cached page (at most the page's history_days).
func (h *publicStatusHandlers) uptimeBadge(c *gin.Context) error {
	days := defaultBadgeDays
	if s := c.Query("days"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxHistoryDays {
			return errValidation(map[string]string{"days": "must be a whole number from 1 to 365"})
		}
		days = n
	}
	e, comp, err := h.component(c)
	if err != nil {
		return err
	}
	var up, counted int
	for _, d := range comp.Days[max(0, len(comp.Days)-days):] {
		up, counted = up+d.up, counted+d.counted
	}
	text, colour := "no data", badgeGrey
	if counted > 0 {
		pct := float64(up) / float64(counted) * 100
		text = strconv.FormatFloat(pct, 'f', 2, 64) + "%"
		switch {
		case pct >= 99.9:
			colour = badgeGreen
		case pct >= 99:
			colour = badgeLightGreen
		case pct >= 95:
			colour = badgeYellow
		case pct >= 90:
			colour = badgeOrange
		default:
			colour = badgeRed
		}
	}
	writeBadge(c, e, comp.Name+" uptime "+strconv.Itoa(days)+"d", text, colour)
	return nil
}

// textWidth estimates the rendered width of s in 11 px Verdana (shields uses measured
// widths; about 7 px per character is close enough for a badge).
func textWidth(s string) int {
	return len([]rune(s))*7 + 10
}

// writeBadge writes a shields-style flat SVG. Text is XML-escaped; Cache-Control lets
// READMEs and CDNs keep it for a minute.
func writeBadge(c *gin.Context, e *cachedPage, label, message, colour string) {
	lw, mw := textWidth(label), textWidth(message)
	w := lw + mw
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	l, m, aria := esc(label), esc(message), esc(label+": "+message)
	n := strconv.Itoa
	svg := `<svg xmlns="http://www.w3.org/2000/svg" width="` + n(w) + `" height="20" role="img" aria-label="` + aria + `">` +
		`<title>` + aria + `</title>` +
		`<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
		`<clipPath id="r"><rect width="` + n(w) + `" height="20" rx="3" fill="#fff"/></clipPath>` +
		`<g clip-path="url(#r)"><rect width="` + n(lw) + `" height="20" fill="` + badgeLabelColour + `"/>` +
		`<rect x="` + n(lw) + `" width="` + n(mw) + `" height="20" fill="` + colour + `"/>` +
		`<rect width="` + n(w) + `" height="20" fill="url(#s)"/></g>` +
		`<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">` +
		`<text x="` + n(lw/2) + `" y="15" fill="#010101" fill-opacity=".3">` + l + `</text>` +
		`<text x="` + n(lw/2) + `" y="14">` + l + `</text>` +
		`<text x="` + n(lw+mw/2) + `" y="15" fill="#010101" fill-opacity=".3">` + m + `</text>` +
		`<text x="` + n(lw+mw/2) + `" y="14">` + m + `</text></g></svg>`
	h := c.Writer.Header()
	h.Set("Content-Type", "image/svg+xml; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	setPageCache(h, e.page.isPublic, "max-age=60", "private, max-age=60")
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write([]byte(svg))
}
