package api

import (
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// statusLanguages are the languages a public status page is shown in (SPEC §3.16
// language); the first is the default, and each has embed/status/i18n/<lang>.json.
var statusLanguages = []string{"en", "de", "fr", "es"}

// statusFormats is how a language writes the dates and numbers the page shows. Dates stay
// in UTC (the page is cached and shared, so it cannot know a visitor's zone) and say so.
var statusFormats = map[string]struct {
	dateTime string
	decimal  string
	percent  string // between the number and "%"
}{
	"en": {"2006-01-02 15:04 UTC", ".", ""},
	"de": {"02.01.2006, 15:04 UTC", ",", "\u00a0"},
	"fr": {"02/01/2006 15:04 UTC", ",", "\u202f"},
	"es": {"02/01/2006 15:04 UTC", ",", "\u00a0"},
}

// statusLocale is one language's messages and formats; the template calls its methods.
type statusLocale struct {
	Lang     string
	messages map[string]string
}

// statusPlaceholder is a {name} in a message.
var statusPlaceholder = regexp.MustCompile(`\{(\w+)\}`)

// loadStatusLocales reads every language's catalogue from i18n/ of the status files.
func loadStatusLocales(fsys fs.FS) (map[string]*statusLocale, error) {
	out := map[string]*statusLocale{}
	for _, lang := range statusLanguages {
		raw, err := fs.ReadFile(fsys, "i18n/"+lang+".json")
		if err != nil {
			return nil, err
		}
		l := &statusLocale{Lang: lang}
		if err := json.Unmarshal(raw, &l.messages); err != nil {
			return nil, fmt.Errorf("status page catalogue %s: %w", lang, err)
		}
		out[lang] = l
	}
	return out, nil
}

// T is the message key with its {placeholders} filled from name, value pairs. A key
// missing from the catalogue shows as itself (the catalogue tests keep that from shipping).
func (l *statusLocale) T(key string, pairs ...any) string {
	msg, ok := l.messages[key]
	if !ok {
		return key
	}
	if len(pairs) == 0 {
		return msg
	}
	values := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		values[fmt.Sprint(pairs[i])] = fmt.Sprint(pairs[i+1])
	}
	return statusPlaceholder.ReplaceAllStringFunc(msg, func(m string) string {
		if v, ok := values[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// Time is a moment in the language's date format (UTC).
func (l *statusLocale) Time(t time.Time) string {
	return t.UTC().Format(statusFormats[l.Lang].dateTime)
}

// Pct is an uptime percentage with three decimals in the language's notation
// ("99.950%", "99,950 %"), or the catalogue's "no data".
func (l *statusLocale) Pct(p *float64) string {
	if p == nil {
		return l.T("pct.none")
	}
	f := statusFormats[l.Lang]
	return strings.Replace(strconv.FormatFloat(*p, 'f', 3, 64), ".", f.decimal, 1) + f.percent + "%"
}

// State is the wording of a page's overall state.
func (l *statusLocale) State(s string) string {
	switch s {
	case stateOperational, stateDegraded, stateMajorOutage, statePartialOutage, stateMaintenance, "none":
		return l.T("state." + s)
	}
	return l.T("state.unknown")
}

// Component is the wording of one component's state.
func (l *statusLocale) Component(s string) string {
	switch s {
	case stateOperational, stateUnknown:
		return l.T("component." + s)
	}
	return l.State(s)
}

// Uptime is the line under a component's bars: "99.950% uptime", or "No data yet".
func (l *statusLocale) Uptime(p *float64) string {
	if p == nil {
		return l.T("uptime.none")
	}
	return l.T("uptime", "pct", l.Pct(p))
}

// Bars renders a component's daily bars in Go rather than in the template: a 90-day page
// has thousands of bars, and html/template's per-action escapers made them most of the
// render time. Every value is escaped here (states are a fixed set, dates and percentages
// are formatted by us, and still go through html.EscapeString).
func (l *statusLocale) Bars(days []publicDay) template.HTML {
	var b strings.Builder
	b.Grow(len(days) * 64)
	for _, d := range days {
		b.WriteString(`<li class="s-`)
		b.WriteString(html.EscapeString(d.Status))
		b.WriteString(`" title="`)
		b.WriteString(html.EscapeString(d.Date + ": " + l.Pct(d.Uptime)))
		b.WriteString(`"></li>`)
	}
	return template.HTML(b.String())
}

// incidentInLocale is what the incident template sees: the incident and the language.
type incidentInLocale struct {
	L *statusLocale
	I publicIncident
}
