package reports

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// Page geometry of the PDF (A4 portrait, millimetres).
const (
	pageMargin = 12.0
	tableRowH  = 6.0
	barBlockH  = 24.0 // a service's name, its bars and the line under them
	barH       = 10.0
)

// Colours of the bars: the status colours of the UI (up, below target, no data).
var (
	colourMet    = [3]int{22, 163, 74}
	colourMissed = [3]int{220, 38, 38}
	colourNoData = [3]int{203, 213, 225}
)

// RenderPDF renders doc: a title page (organization, period, time zone, when it was
// generated), the per-service table of SPEC §3.18 and each service's uptime bars, drawn
// as vector rectangles. Every word is real text in an embedded font, so the PDF is
// searchable and copyable. The output depends only on doc (the creation date is
// doc.GeneratedAt), so the same document renders to the same bytes.
func RenderPDF(doc *Document) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	regular, bold := fontBytes()
	f.AddUTF8FontFromBytes(fontFamily, "", regular)
	f.AddUTF8FontFromBytes(fontFamily, "B", bold)
	f.SetMargins(pageMargin, pageMargin, pageMargin)
	f.SetAutoPageBreak(true, pageMargin+6)
	f.SetCreationDate(doc.GeneratedAt)
	f.SetModificationDate(doc.GeneratedAt)
	f.SetCatalogSort(true)
	f.SetTitle(printable("SLA report — "+doc.OrgName), true)
	f.SetCreator("AlertifyPro", true)
	f.AliasNbPages("")
	f.SetFooterFunc(func() {
		f.SetY(-pageMargin - 2)
		f.SetFont(fontFamily, "", 8)
		f.SetTextColor(100, 116, 139)
		f.CellFormat(0, 5, fmt.Sprintf("%s · %s · page %d of {nb}", printable(doc.OrgName), doc.periodText(), f.PageNo()), "", 0, "C", false, 0, "")
	})
	titlePage(f, doc)
	serviceTable(f, doc)
	uptimeBars(f, doc)
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("reports: render PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// periodText is the report's period as local dates, the last day inclusive
// ("1 Nov 2026 – 30 Nov 2026").
func (doc *Document) periodText() string {
	from := doc.SLA.From.In(doc.Location)
	last := doc.SLA.To.Add(-time.Nanosecond).In(doc.Location)
	return from.Format("2 Jan 2006") + " – " + last.Format("2 Jan 2006")
}

// titlePage writes the first page: what the report is, for whom, over when.
func titlePage(f *fpdf.Fpdf, doc *Document) {
	f.AddPage()
	f.SetY(70)
	f.SetTextColor(15, 23, 42)
	f.SetFont(fontFamily, "B", 26)
	f.CellFormat(0, 14, "SLA report", "", 1, "L", false, 0, "")
	f.SetFont(fontFamily, "", 16)
	f.MultiCell(0, 9, printable(doc.OrgName), "", "L", false)
	f.Ln(8)
	met, judged := 0, 0
	for _, r := range doc.SLA.Services {
		if r.SLAMet != nil {
			judged++
			if *r.SLAMet {
				met++
			}
		}
	}
	loc := doc.Location
	lines := [][2]string{
		{"Period", doc.periodText()},
		{"From", doc.SLA.From.In(loc).Format("2 Jan 2006 15:04 MST")},
		{"To", doc.SLA.To.In(loc).Format("2 Jan 2006 15:04 MST") + " (exclusive)"},
		{"Time zone", loc.String()},
		{"Generated at", doc.GeneratedAt.In(loc).Format("2 Jan 2006 15:04 MST")},
		{"Services", strconv.Itoa(len(doc.SLA.Services))},
		{"SLA met", fmt.Sprintf("%d of %d services with checks", met, judged)},
	}
	for _, l := range lines {
		f.SetFont(fontFamily, "B", 11)
		f.CellFormat(35, 7, l[0], "", 0, "L", false, 0, "")
		f.SetFont(fontFamily, "", 11)
		f.CellFormat(0, 7, l[1], "", 1, "L", false, 0, "")
	}
	f.Ln(6)
	f.SetFont(fontFamily, "", 9)
	f.SetTextColor(71, 85, 105)
	f.MultiCell(0, 5, "Uptime counts checks from the rollups, GREEN and YELLOW as up, checks in maintenance "+
		"excluded (planned downtime). Incidents are the alerts fired in the period; MTTA is fired to acknowledged, "+
		"MTTR fired to resolved. Services without their own target are held to "+fmtNum(DefaultSLATarget)+" %.", "", "L", false)
}

// tableColumn is one column of the per-service table.
type tableColumn struct {
	title string
	width float64
	align string
	cell  func(r *Row) string
}

// tableColumns are the figures of SPEC §3.18, in the JSON row's order; 186 mm wide.
var tableColumns = []tableColumn{
	{"Service", 46, "L", func(r *Row) string { return r.ServiceName }},
	{"Uptime %", 17, "R", func(r *Row) string { return optNum(r.UptimePercent) }},
	{"Target %", 15, "R", func(r *Row) string { return fmtNum(r.SLATarget) }},
	{"Met", 10, "C", func(r *Row) string { return metText(r.SLAMet) }},
	{"Incidents", 15, "R", func(r *Row) string { return strconv.Itoa(r.IncidentCount) }},
	{"Downtime", 17, "R", func(r *Row) string { return duration(r.TotalDowntimeSeconds) }},
	{"Longest", 17, "R", func(r *Row) string { return duration(r.LongestDowntimeSeconds) }},
	{"MTTA", 16, "R", func(r *Row) string { return optDuration(r.MTTASeconds) }},
	{"MTTR", 16, "R", func(r *Row) string { return optDuration(r.MTTRSeconds) }},
	{"Planned", 17, "R", func(r *Row) string { return duration(r.PlannedDowntimeSeconds) }},
}

// serviceTable writes the per-service table, its header repeated on every page.
func serviceTable(f *fpdf.Fpdf, doc *Document) {
	f.AddPage()
	heading(f, "Services")
	header := func() {
		f.SetFont(fontFamily, "B", 8)
		f.SetFillColor(241, 245, 249)
		f.SetTextColor(15, 23, 42)
		for _, col := range tableColumns {
			f.CellFormat(col.width, tableRowH, col.title, "B", 0, col.align, true, 0, "")
		}
		f.Ln(-1)
	}
	header()
	_, pageH := f.GetPageSize()
	for i := range doc.SLA.Services {
		r := &doc.SLA.Services[i]
		if f.GetY()+tableRowH > pageH-pageMargin-8 {
			f.AddPage()
			header()
		}
		f.SetFont(fontFamily, "", 8)
		f.SetTextColor(15, 23, 42)
		if r.SLAMet != nil && !*r.SLAMet {
			f.SetTextColor(185, 28, 28)
		}
		for _, col := range tableColumns {
			text := printable(col.cell(r))
			text = fitText(f, text, col.width-2)
			f.CellFormat(col.width, tableRowH, text, "B", 0, col.align, false, 0, "")
		}
		f.Ln(-1)
	}
	if len(doc.SLA.Services) == 0 {
		f.SetFont(fontFamily, "", 10)
		f.CellFormat(0, 10, "No services in this report.", "", 1, "L", false, 0, "")
	}
}

// uptimeBars draws, per service, one bar per span of days: its height is the span's
// uptime, its colour whether that met the service's target (grey: nothing counted).
func uptimeBars(f *fpdf.Fpdf, doc *Document) {
	if len(doc.SLA.Services) == 0 {
		return
	}
	f.AddPage()
	title := "Daily uptime"
	if doc.BarDays > 1 {
		title = fmt.Sprintf("Uptime per %d days", doc.BarDays)
	}
	heading(f, title)
	pageW, pageH := f.GetPageSize()
	width := pageW - 2*pageMargin
	for i := range doc.SLA.Services {
		r, bars := &doc.SLA.Services[i], doc.Bars[i]
		if f.GetY()+barBlockH > pageH-pageMargin-8 {
			f.AddPage()
		}
		f.SetFont(fontFamily, "B", 9)
		f.SetTextColor(15, 23, 42)
		f.CellFormat(width-40, 5, fitText(f, printable(r.ServiceName), width-42), "", 0, "L", false, 0, "")
		f.SetFont(fontFamily, "", 9)
		uptime := "uptime –"
		if r.UptimePercent != nil {
			uptime = "uptime " + fmtNum(*r.UptimePercent) + " %"
		}
		f.CellFormat(40, 5, uptime, "", 1, "R", false, 0, "")
		y := f.GetY() + 1
		drawBars(f, bars, r.SLATarget, pageMargin, y, width)
		f.SetY(y + barH + 1)
		f.SetFont(fontFamily, "", 7)
		f.SetTextColor(71, 85, 105)
		f.CellFormat(width, 4, lowestText(bars, doc.Location), "", 1, "L", false, 0, "")
		f.Ln(3)
	}
}

// drawBars draws bars side by side in the box at (x, y) of the given width and barH high.
func drawBars(f *fpdf.Fpdf, bars []Bar, target, x, y, width float64) {
	if len(bars) == 0 {
		return
	}
	step := width / float64(len(bars))
	gap := min(step*0.15, 0.8)
	for j, b := range bars {
		bx := x + float64(j)*step
		colour, h := colourNoData, barH
		if b.UptimePercent != nil {
			colour, h = colourMissed, barH*max(*b.UptimePercent, 0)/100
			if *b.UptimePercent >= target {
				colour = colourMet
			}
			h = max(h, 0.6) // a day at 0 % still shows, as a sliver of red
		}
		f.SetFillColor(colour[0], colour[1], colour[2])
		f.Rect(bx, y+barH-h, step-gap, h, "F")
	}
}

// lowestText names the worst bar ("lowest day: 97.5 % on 12 Nov 2026").
func lowestText(bars []Bar, loc *time.Location) string {
	var worst *Bar
	for i := range bars {
		if p := bars[i].UptimePercent; p != nil && (worst == nil || *p < *worst.UptimePercent) {
			worst = &bars[i]
		}
	}
	if worst == nil {
		return "no checks counted in this period"
	}
	return "lowest: " + fmtNum(*worst.UptimePercent) + " % from " + worst.Start.In(loc).Format("2 Jan 2006")
}

// heading writes a section title.
func heading(f *fpdf.Fpdf, title string) {
	f.SetFont(fontFamily, "B", 14)
	f.SetTextColor(15, 23, 42)
	f.CellFormat(0, 10, title, "", 1, "L", false, 0, "")
	f.Ln(1)
}

// fitText shortens text with an ellipsis until it fits width at the current font.
func fitText(f *fpdf.Fpdf, text string, width float64) string {
	if f.GetStringWidth(text) <= width {
		return text
	}
	runes := []rune(text)
	for len(runes) > 1 && f.GetStringWidth(string(runes)+"…") > width {
		runes = runes[:len(runes)-1]
	}
	return string(runes) + "…"
}
