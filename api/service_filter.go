package api

import (
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// parseServiceFilter reads the list filters and returns a predicate. Values are compared
// case-insensitively; ?status= and ?check_type= must name a real status or type (422
// otherwise: a typo should not look like "no services").
func parseServiceFilter(c *gin.Context) (func(*store.Service) bool, error) {
	f := fieldErrors{}
	status, checkType := "", ""
	if v := c.Query("status"); v != "" {
		var ok bool
		if status, ok = normalizeServiceStatus(v); !ok {
			f.add("status", "must be one of PENDING, GREEN, YELLOW, RED, PAUSED, MAINTENANCE")
		}
	}
	if v := c.Query("check_type"); v != "" {
		var ok bool
		if checkType, ok = normalizeCheckType(v); !ok {
			f.add("check_type", checkTypeProblem())
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	tag := strings.TrimSpace(c.Query("tag"))
	env := strings.TrimSpace(c.Query("environment"))
	q := strings.ToLower(strings.TrimSpace(c.Query("q")))
	return func(s *store.Service) bool {
		switch {
		case status != "" && s.Status != status,
			checkType != "" && s.CheckType != checkType,
			env != "" && !strings.EqualFold(s.Environment, env),
			tag != "" && !hasTag(s.Tags, tag):
			return false
		case q == "":
			return true
		}
		return strings.Contains(strings.ToLower(s.Name), q) ||
			strings.Contains(strings.ToLower(s.Endpoint), q) ||
			strings.Contains(strings.ToLower(s.Description), q)
	}, nil
}

// hasTag reports whether tags holds tag, ignoring case.
func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}
