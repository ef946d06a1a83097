package api

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/alertifypro/alertifypro/store"
)

// statusCacheTTL is how long a rendered public page is served without reading the store.
// Check results change component states and bars, so it stays short; edits made through
// this process's API invalidate at once (statusCache.invalidate).
const statusCacheTTL = 10 * time.Second

// maxCachedPages bounds the cache. Only existing pages are kept (an unknown slug is one
// cheap index lookup, shared by concurrent misses), so random slugs cannot grow it or
// push real pages out; the bound is a safety net for instances with very many pages.
const maxCachedPages = 4096

// cachedPage is one slug's rendered public view; page is nil for an unknown slug.
type cachedPage struct {
	version uint64
	expires time.Time
	page    *publicPage
	json    []byte
	csp     string // Content-Security-Policy of the HTML (names its style element's hash)
	// live is the HTML page that reloads itself; still is the same page without the meta
	// refresh, for visitors who turned it off (?refresh=off, WCAG 2.2.1).
	live, still renderedHTML
}

// renderedHTML is one HTML rendering of a page, gzipped once at render, and its ETag.
type renderedHTML struct {
	html, gzip []byte
	etag       string
}

// statusCache sits in front of the public status-page view: per slug it keeps the model
// and its JSON and HTML renderings for statusCacheTTL. A version counter, bumped by every
// status-page and incident write handler, makes older entries stale at once; singleflight
// makes a burst of misses for one slug read the store and render once.
type statusCache struct {
	now     func() time.Time
	load    func(slug string) (*cachedPage, error)
	version atomic.Uint64
	group   singleflight.Group

	mu      sync.RWMutex
	entries map[string]*cachedPage
}

// newStatusCache builds a cache whose misses call load.
func newStatusCache(now func() time.Time, load func(slug string) (*cachedPage, error)) *statusCache {
	return &statusCache{now: now, load: load, entries: map[string]*cachedPage{}}
}

// invalidate makes every cached page stale (writes are rare; pages are cheap to rebuild).
func (c *statusCache) invalidate() {
	if c != nil {
		c.version.Add(1)
	}
}

// get returns the current view of slug, loading it on a miss or when stale.
func (c *statusCache) get(slug string) (*cachedPage, error) {
	slug = strings.ToLower(slug)
	v := c.version.Load()
	c.mu.RLock()
	e := c.entries[slug]
	c.mu.RUnlock()
	if e != nil && e.version == v && c.now().Before(e.expires) {
		return e, nil
	}
	res, err, _ := c.group.Do(slug+"\x00"+strconv.FormatUint(v, 10), func() (any, error) {
		e, err := c.load(slug)
		if err != nil {
			return nil, err
		}
		e.version, e.expires = v, c.now().Add(statusCacheTTL)
		if e.page == nil {
			return e, nil
		}
		c.mu.Lock()
		if len(c.entries) >= maxCachedPages {
			clear(c.entries)
		}
		c.entries[slug] = e
		c.mu.Unlock()
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	return res.(*cachedPage), nil
}

// loadPublicPage reads the snapshot of slug and renders it; an unknown slug is an entry
// with a nil page (not kept), anything else an error.
func (h *publicStatusHandlers) loadPublicPage(slug string) (*cachedPage, error) {
	now := h.now()
	snap, err := h.store.StatusPageSnapshot(slug, 0, now.AddDate(0, 0, -recentIncidentDays))
	if errors.Is(err, store.ErrNotFound) {
		return &cachedPage{}, nil
	} else if err != nil {
		return nil, err
	}
	page := buildPublicPage(snap, now)
	// The page's form subscribes e-mail addresses, which need the instance SMTP server to
	// confirm them: without one the form would promise a message that never comes.
	page.SubscriptionsEnabled = page.SubscriptionsEnabled && h.cfg.SMTPHost != ""
	return h.renderer.render(page)
}
