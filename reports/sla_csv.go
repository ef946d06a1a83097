package reports

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
)

// csvHeader names the CSV columns: the JSON row's fields, in its order.
var csvHeader = []string{"service_id", "service_name", "uptime_percent", "sla_target", "sla_met",
	"total_checks", "failed_checks", "incident_count", "total_downtime_seconds", "longest_downtime_seconds",
	"mtta_seconds", "mttr_seconds", "planned_downtime_seconds"}

// CSV renders the rows as RFC 4180 CSV (encoding/csv quotes as needed; CRLF line ends
// as the RFC has them). Null figures are empty cells; the service name is defused
// against formula injection as in the audit-log export.
func CSV(rows []Row) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	opt := func(v *float64) string {
		if v == nil {
			return ""
		}
		return num(*v)
	}
	records := [][]string{csvHeader}
	for _, r := range rows {
		met := ""
		if r.SLAMet != nil {
			met = strconv.FormatBool(*r.SLAMet)
		}
		records = append(records, []string{r.ServiceID, csvSafeCell(r.ServiceName), opt(r.UptimePercent),
			num(r.SLATarget), met, strconv.Itoa(r.TotalChecks), strconv.Itoa(r.FailedChecks),
			strconv.Itoa(r.IncidentCount), num(r.TotalDowntimeSeconds), num(r.LongestDowntimeSeconds),
			opt(r.MTTASeconds), opt(r.MTTRSeconds), num(r.PlannedDowntimeSeconds)})
	}
	if err := w.WriteAll(records); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// csvSafeCell prefixes a cell that a spreadsheet would run as a formula with a quote.
func csvSafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
