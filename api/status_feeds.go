package api

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// feedEntry is one incident update as a feed item; the feeds list the updates of the
// page's active and recent incidents (the same ones the page shows), newest first.
type feedEntry struct {
	id, title, message, link string
	at                       time.Time
}

// feedEntries flattens the page's incidents into entries, newest first.
func (h *publicStatusHandlers) feedEntries(p *publicPage, l *statusLocale) []feedEntry {
	var out []feedEntry
	for _, list := range [][]publicIncident{p.ActiveIncidents, p.RecentIncidents} {
		for _, inc := range list {
			for i := len(inc.updates) - 1; i >= 0; i-- { // newest first, so equal times keep that order
				u := inc.updates[i]
				out = append(out, feedEntry{id: u.ID, title: inc.Title + " — " + l.T("status."+u.Status), message: u.Message,
					link: h.pageURL(p) + "#incident-" + inc.ID, at: u.CreatedAt.UTC()})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b feedEntry) int { return b.at.Compare(a.at) })
	return out
}

// pageURL is the page's absolute address under BASE_URL.
func (h *publicStatusHandlers) pageURL(p *publicPage) string {
	base := "http://localhost"
	if h.cfg != nil && h.cfg.BaseURL != "" {
		base = strings.TrimRight(h.cfg.BaseURL, "/")
	}
	return base + "/status/" + p.Slug
}

// rssDoc is an RSS 2.0 document.
type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	Description string  `xml:"description"`
	PubDate     string  `xml:"pubDate"`
	GUID        rssGUID `xml:"guid"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// atomDoc is an Atom 1.0 feed.
type atomDoc struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Link    atomLink    `xml:"link"`
	Content atomContent `xml:"content"`
}

type atomContent struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

// writeXML encodes doc with the XML declaration.
func writeXML(c *gin.Context, e *cachedPage, contentType string, doc any) error {
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	uiHeaders(c, e, contentType)
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write(append([]byte(xml.Header), out...))
	return nil
}

// rss serves GET /status/:slug/feed.rss.
func (h *publicStatusHandlers) rss(c *gin.Context) error {
	e, err := h.visiblePage(c)
	if err != nil {
		return err
	}
	p := e.page
	l := h.renderer.locale(p.Language)
	ch := rssChannel{Title: l.T("feed.title", "name", p.Name), Link: h.pageURL(p), Description: l.T("feed.description", "name", p.Name),
		Language: p.Language, LastBuildDate: p.GeneratedAt.Format(time.RFC1123Z), Items: []rssItem{}}
	for _, en := range h.feedEntries(p, l) {
		ch.Items = append(ch.Items, rssItem{Title: en.title, Link: en.link, Description: en.message,
			PubDate: en.at.Format(time.RFC1123Z), GUID: rssGUID{IsPermaLink: "false", Value: "urn:uuid:" + en.id}})
	}
	return writeXML(c, e, "application/rss+xml; charset=utf-8", rssDoc{Version: "2.0", Channel: ch})
}

// atom serves GET /status/:slug/feed.atom.
func (h *publicStatusHandlers) atom(c *gin.Context) error {
	e, err := h.visiblePage(c)
	if err != nil {
		return err
	}
	p := e.page
	l := h.renderer.locale(p.Language)
	entries := h.feedEntries(p, l)
	updated := p.GeneratedAt
	if len(entries) > 0 {
		updated = entries[0].at
	}
	author := p.Branding.CompanyName
	if author == "" {
		author = p.Name
	}
	doc := atomDoc{ID: h.pageURL(p), Lang: p.Language, Title: l.T("feed.title", "name", p.Name), Updated: updated.Format(time.RFC3339),
		Links:  []atomLink{{Rel: "self", Href: h.pageURL(p) + "/feed.atom"}, {Rel: "alternate", Href: h.pageURL(p)}},
		Author: atomAuthor{Name: author}, Entries: []atomEntry{}}
	for _, en := range entries {
		doc.Entries = append(doc.Entries, atomEntry{ID: "urn:uuid:" + en.id, Title: en.title, Updated: en.at.Format(time.RFC3339),
			Link: atomLink{Rel: "alternate", Href: en.link}, Content: atomContent{Type: "text", Value: en.message}})
	}
	return writeXML(c, e, "application/atom+xml; charset=utf-8", doc)
}
