package api

import (
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/reports"
)

// slaPDF renders the report out as a PDF (SPEC §11) for the active organization. Dates
// and the daily bars follow ?timezone= (an IANA name), else the organization's time zone
// setting, else UTC; a bad ?timezone= is a 422.
func (h *reportHandlers) slaPDF(c *gin.Context, orgID string, q slaQuery, out reports.SLA, now time.Time) ([]byte, error) {
	org := actorOf(c).org
	zone := org.Settings.Timezone
	if tz, ok := c.GetQuery("timezone"); ok {
		zone = tz
		if _, valid := reports.LoadZone(tz); !valid {
			f := fieldErrors{}
			f.add("timezone", "must be an IANA time zone such as UTC or Europe/Berlin")
			return nil, f.err()
		}
	}
	loc, ok := reports.LoadZone(zone)
	if !ok {
		loc, _ = reports.LoadZone("UTC")
	}
	doc, err := reports.BuildDocument(h.store, orgID, org.Name, q.serviceIDs, q.from, q.to, loc, now)
	if err != nil {
		return nil, err
	}
	return reports.RenderPDF(doc)
}
