package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/reports"
)

// reportHandlers serves the SLA report (SPEC §3.18): JSON (reports.SLA), CSV or PDF, all
// computed by package reports, which the scheduled reports (SPEC §11) use too.
type reportHandlers struct{ *base }

// sla answers the SLA report of the active organization, as JSON or as a CSV or PDF download.
func (h *reportHandlers) sla(c *gin.Context) error {
	now := h.now().UTC()
	q, err := parseSLAQuery(c, now, now.Add(-h.store.Retention().Day))
	if err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	out, err := reports.BuildSLA(h.store, orgID, q.serviceIDs, q.from, q.to, now)
	if err != nil { // one of service_ids not a service of this organization: 404 naming it
		return err
	}
	name := "sla-report-" + now.Format("2006-01-02")
	switch q.format {
	case "csv":
		body, err := reports.CSV(out.Services)
		if err != nil {
			return err
		}
		return attachment(c, name+".csv", "text/csv; charset=utf-8", body)
	case "pdf":
		body, err := h.slaPDF(c, orgID, q, out, now)
		if err != nil {
			return err
		}
		return attachment(c, name+".pdf", "application/pdf", body)
	}
	c.JSON(http.StatusOK, out)
	return nil
}

// attachment answers body as a download named name.
func attachment(c *gin.Context, name, contentType string, body []byte) error {
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, contentType, body)
	return nil
}
