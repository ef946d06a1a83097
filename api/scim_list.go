package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

const (
	// scimDefaultCount and scimMaxCount bound a list page (RFC 7644 §3.4.2.4 lets the
	// server cap count; ServiceProviderConfig announces the cap as filter.maxResults).
	scimDefaultCount = 100
	scimMaxCount     = 200
)

// scimListQuery is a list request: its filter (nil: all), 1-based startIndex, count and
// the attribute selection.
type scimListQuery struct {
	filter     scimFilter
	startIndex int
	count      int
	attributes []string
	excluded   []string
}

// readListQuery parses filter, startIndex, count, attributes and excludedAttributes.
func readListQuery(c *gin.Context) (scimListQuery, error) {
	q := scimListQuery{startIndex: 1, count: scimDefaultCount,
		attributes: splitAttrs(c.Query("attributes")), excluded: splitAttrs(c.Query("excludedAttributes"))}
	if f := c.Query("filter"); f != "" {
		var err error
		if q.filter, err = parseSCIMFilter(f); err != nil {
			return q, err
		}
	}
	for name, dst := range map[string]*int{"startIndex": &q.startIndex, "count": &q.count} {
		if s := c.Query(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return q, scimBad("invalidValue", name+" must be an integer.")
			}
			*dst = n
		}
	}
	q.startIndex = max(q.startIndex, 1)
	q.count = min(max(q.count, 0), scimMaxCount)
	return q, nil
}

// splitAttrs splits a comma-separated attribute list, lower-cased.
func splitAttrs(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			for _, prefix := range scimSchemaPrefixes {
				a = strings.TrimPrefix(a, prefix)
			}
			out = append(out, a)
		}
	}
	return out
}

// writeList answers the records of items, each as render shows it, that match q, one
// page of them, as a ListResponse. Every record is rendered, since the filter judges the
// SCIM resource, not the stored record.
func writeList[T any](c *gin.Context, q scimListQuery, items []T, render func(*T) map[string]any) {
	matched := make([]map[string]any, 0, len(items))
	for i := range items {
		if r := render(&items[i]); q.filter == nil || q.filter.match(r) {
			matched = append(matched, r)
		}
	}
	from := min(q.startIndex-1, len(matched))
	page := matched[from:min(from+q.count, len(matched))]
	out := make([]map[string]any, len(page))
	for i, r := range page {
		out[i] = q.project(r)
	}
	writeSCIM(c, http.StatusOK, gin.H{"schemas": []string{scimListSchema}, "totalResults": len(matched),
		"startIndex": q.startIndex, "itemsPerPage": len(out), "Resources": out})
}

// project applies attributes / excludedAttributes (RFC 7644 §3.4.2.5) to the top-level
// attributes; id and schemas are always returned.
func (q scimListQuery) project(r map[string]any) map[string]any {
	if len(q.attributes) == 0 && len(q.excluded) == 0 {
		return r
	}
	out := make(map[string]any, len(r))
	for k, v := range r {
		lk := strings.ToLower(k)
		keep := lk == "id" || lk == "schemas" || len(q.attributes) == 0
		for _, a := range q.attributes {
			keep = keep || a == lk || strings.HasPrefix(a, lk+".")
		}
		for _, a := range q.excluded {
			keep = keep && (a != lk || lk == "id" || lk == "schemas")
		}
		if keep {
			out[k] = v
		}
	}
	return out
}

// scimBaseURL is the organization's SCIM base URL, what the identity provider is given.
func (h *scimHandlers) scimBaseURL(org *store.Organization) string {
	return h.cfg.BaseURL + "/scim/v2/" + org.Slug
}

// scimMeta is a resource's meta attribute.
func scimMeta(kind, location string, created, modified time.Time) map[string]any {
	return map[string]any{"resourceType": kind, "location": location,
		"created": created.UTC().Format(time.RFC3339), "lastModified": modified.UTC().Format(time.RFC3339)}
}
