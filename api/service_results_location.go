package api

import (
	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// queryLocation reads ?location= of the history reads (SPEC §8: GET /services/{id}/checks,
// /metrics and /uptime answer for one probe location with it): "" when absent, else the
// name, which must be one of the locations the service is checked from (422 naming
// location otherwise, 404 for a service the organization does not have).
func (h *serviceResultHandlers) queryLocation(c *gin.Context, orgID, serviceID string) (string, error) {
	name, ok := c.GetQuery("location")
	if !ok {
		return "", nil
	}
	svc, err := h.store.Service(orgID, serviceID)
	if err != nil {
		return "", err
	}
	if !svc.ChecksFrom(name, h.cfg.BuiltinLocation()) {
		return "", errValidation(map[string]string{"location": "is not a location this service is checked from"})
	}
	return name, nil
}

// checkLocationViews renders stored results with the location that made each: the
// store names it for a service of several locations; the results of a service of one
// location are that location's (the built-in one for a service that names none).
func checkLocationViews(results []store.CheckResult, svc *store.Service, builtin string) []checkView {
	out := make([]checkView, len(results))
	only := locationsView(svc, builtin)[0]
	for i := range results {
		out[i] = newCheckView(&results[i])
		out[i].Location = results[i].Location
		if out[i].Location == "" {
			out[i].Location = only
		}
	}
	return out
}

// serviceAndLocation loads the organization's service named in the path (404 when it has
// none) and reads ?location= for it, as the reads of one service's history begin.
func (h *serviceResultHandlers) serviceAndLocation(c *gin.Context) (orgID string, svc *store.Service, loc string, err error) {
	orgID = actorOf(c).org.ID
	if svc, err = h.store.Service(orgID, c.Param("id")); err != nil {
		return "", nil, "", err
	}
	if loc, err = h.queryLocation(c, orgID, svc.ID); err != nil {
		return "", nil, "", err
	}
	return orgID, svc, loc, nil
}
