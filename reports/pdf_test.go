package reports

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/internal/pdftext"
)

func ptr[T any](v T) *T { return &v }

// unicodeDoc is a report of services whose names need more than cp1252.
func unicodeDoc(t *testing.T) *Document {
	t.Helper()
	loc, ok := LoadZone("Asia/Tokyo")
	if !ok {
		t.Fatal("no Asia/Tokyo zone")
	}
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	to := time.Date(2026, 12, 1, 0, 0, 0, 0, loc)
	doc := &Document{OrgName: "Ørsted Café", Location: loc, GeneratedAt: time.Date(2026, 12, 1, 8, 0, 0, 0, loc),
		SLA: SLA{From: from, To: to, Services: []Row{
			{ServiceID: "a", ServiceName: "Zürich API", UptimePercent: ptr(99.5), SLATarget: 99.9, SLAMet: ptr(false), IncidentCount: 3, TotalDowntimeSeconds: 12960},
			{ServiceID: "b", ServiceName: "東京 edge", UptimePercent: ptr(100.0), SLATarget: 99.9, SLAMet: ptr(true)},
			{ServiceID: "c", ServiceName: "Αθήνα · Київ", SLATarget: 99.9},
		}}}
	spans, per := barSpans(from, to, loc)
	doc.BarDays = per
	for i := range doc.SLA.Services {
		bars := make([]Bar, len(spans))
		for j, s := range spans {
			bars[j] = Bar{Start: s[0], End: s[1]}
			if i == 0 {
				bars[j].UptimePercent = ptr(100 - float64(j%3))
			}
		}
		doc.Bars = append(doc.Bars, bars)
	}
	return doc
}

// TestRenderPDFUnicodeNames: names beyond cp1252 come back from pdftotext as written
// where the embedded Go font has the glyphs (Latin, Greek, Cyrillic), and as "?" where it
// has none (CJK) — never as mojibake, never breaking the document.
func TestRenderPDFUnicodeNames(t *testing.T) {
	pdf, err := RenderPDF(unicodeDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	text := pdftext.Extract(t, pdf)
	if dir := os.Getenv("PDF_DUMP"); dir != "" {
		_ = os.WriteFile(dir+"/unicode.txt", []byte(text), 0o600)
	}
	for _, want := range []string{"Ørsted Café", "Zürich API", "?? edge", "Αθήνα · Київ", "Asia/Tokyo",
		"1 Nov 2026 – 30 Nov 2026", "1 Dec 2026 08:00 JST", "uptime 99.5 %", "uptime –\n"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(text, "lowest: 98 % from 3 Nov 2026") {
		t.Errorf("the bars' line names the worst day:\n%s", text)
	}
	if !strings.Contains(text, "no checks counted in this period") {
		t.Errorf("a service without checks says so:\n%s", text)
	}
}

// TestRenderPDFDeterministic: the same document renders to the same bytes (the creation
// date is the document's), so a retried scheduled send attaches the same file.
func TestRenderPDFDeterministic(t *testing.T) {
	a, err := RenderPDF(unicodeDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := RenderPDF(unicodeDoc(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renders of one document differ")
	}
}

// TestPrintable: runs the Go font lacks become "?", control characters spaces.
func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{"Zürich": "Zürich", "東京": "??", "a\tb\x7f": "a b ", "Київ": "Київ"} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}
