package notify

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"math"
	"strconv"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/alertifypro/alertifypro/store"
)

// Kinds of subscriber notice; each has its own subject template.
const (
	NoticeCreated     = "created"
	NoticeUpdated     = "updated"
	NoticeResolved    = "resolved"
	NoticeMaintenance = "maintenance"
)

// The default template (README, "Status page e-mail template and subscriber import").
// The subject of a new incident is the documented one.
const (
	DefaultSubject            = "We're investigating an issue — {{page.name}}"
	DefaultUpdateSubject      = "{{incident.title}} — {{incident.status | capitalize}} — {{page.name}}"
	DefaultResolvedSubject    = "Resolved: {{incident.title}} — {{page.name}}"
	DefaultMaintenanceSubject = "Scheduled maintenance: {{incident.title}} — {{page.name}}"
	DefaultBrandColor         = "#2563eb"
	DefaultBackgroundColor    = "#ffffff"
	DefaultTextColor          = "#1f2937"
	DefaultBody               = `<h2 style="margin:0 0 4px">{{incident.title}}</h2>
<p style="margin:0 0 16px;opacity:.8">{{incident.status | capitalize}} · {{update.time}}</p>
{{if incident.components}}<p>Affected: {{incident.components}}</p>
{{end}}<p>{{update.message}}</p>
<p><a href="{{page.url}}">View the status page</a></p>`
	DefaultFooter = `You receive this because you subscribed to updates of {{page.name}}.
<a href="{{unsubscribe_url}}">Unsubscribe</a>`
)

// maxRenderedPart bounds what one rendered part may grow to: without {{range}} output is
// linear in the template, but a body repeating {{update.message}} could still multiply a
// long message.
const maxRenderedPart = 512 << 10

// maxRenderedSubject bounds the subject, in characters.
const maxRenderedSubject = 250

// EmailVars are the values of a template's variables for one message.
type EmailVars struct {
	IncidentTitle, IncidentStatus, IncidentSeverity, IncidentComponents string
	PageName, PageURL                                                   string
	UpdateMessage, UpdateTime                                           string
	UnsubscribeURL                                                      string
}

// SampleEmailVars are the values of the preview when no incident is given.
func SampleEmailVars(pageName, pageURL string) EmailVars {
	return EmailVars{IncidentTitle: "Elevated error rates on the API", IncidentStatus: "investigating", IncidentSeverity: "major",
		IncidentComponents: "API", PageName: pageName, PageURL: pageURL,
		UpdateMessage: "We are investigating elevated error rates.\nNext update within 30 minutes.",
		UpdateTime:    "7 Dec 2026 10:00 UTC", UnsubscribeURL: pageURL + "/unsubscribe-example"}
}

// SampleNoticeVars are the preview's values for a notice of kind when no incident is
// given: the sample incident as it is created, updated or resolved, or a sample
// maintenance window (filled as a maintenance notice fills the variables), so each kind's
// subject is seen over a message of its kind.
func SampleNoticeVars(kind, pageName, pageURL string) EmailVars {
	v := SampleEmailVars(pageName, pageURL)
	switch kind {
	case NoticeUpdated:
		v.IncidentStatus, v.UpdateTime = "identified", "7 Dec 2026 10:20 UTC"
		v.UpdateMessage = "The cause is a faulty deployment; it is being rolled back."
	case NoticeResolved:
		v.IncidentStatus, v.UpdateTime = "resolved", "7 Dec 2026 10:45 UTC"
		v.UpdateMessage = "Error rates are back to normal. We will keep watching."
	case NoticeMaintenance:
		v.IncidentTitle, v.IncidentStatus, v.IncidentSeverity = "Database upgrade", "maintenance", ""
		v.UpdateMessage = "The database moves to a new version; the API may answer slowly."
		v.UpdateTime = "8 Dec 2026 02:00 UTC – 8 Dec 2026 04:00 UTC"
	}
	return v
}

// DefaultEmailTemplate is the template of a page that has none, every field filled.
func DefaultEmailTemplate() store.EmailTemplate {
	return store.EmailTemplate{Subject: DefaultSubject, UpdateSubject: DefaultUpdateSubject, ResolvedSubject: DefaultResolvedSubject,
		MaintenanceSubject: DefaultMaintenanceSubject, BrandColor: DefaultBrandColor, BackgroundColor: DefaultBackgroundColor,
		TextColor: DefaultTextColor, Body: DefaultBody, Footer: DefaultFooter}
}

// EffectiveEmailTemplate is t with every empty field taken from the page's branding (logo,
// primary colour) or else the default.
func EffectiveEmailTemplate(t *store.EmailTemplate, page *store.StatusPage) store.EmailTemplate {
	out := DefaultEmailTemplate()
	if page != nil {
		out.LogoURL = page.Branding.LogoURL
		if checkLogoURL(out.LogoURL) != "" {
			out.LogoURL = ""
		}
		if hexColour.MatchString(page.Branding.PrimaryColor) {
			out.BrandColor = page.Branding.PrimaryColor
		}
	}
	if t == nil {
		return out
	}
	for _, f := range []struct {
		dst *string
		src string
	}{
		{&out.Subject, t.Subject}, {&out.UpdateSubject, t.UpdateSubject}, {&out.ResolvedSubject, t.ResolvedSubject},
		{&out.MaintenanceSubject, t.MaintenanceSubject}, {&out.LogoURL, t.LogoURL}, {&out.BrandColor, t.BrandColor},
		{&out.BackgroundColor, t.BackgroundColor}, {&out.TextColor, t.TextColor}, {&out.Body, t.Body}, {&out.Footer, t.Footer},
	} {
		if f.src != "" {
			*f.dst = f.src
		}
	}
	return out
}

// RenderEmailTemplate renders the message of kind for v with t, whose empty fields are
// the defaults: the subject with text/template, body and footer with html/template
// (every value escaped for where it appears) inside the fixed layout, and the plain part
// from the HTML. The unsubscribe link is added to both parts when the template has none.
func RenderEmailTemplate(t *store.EmailTemplate, kind string, v EmailVars) (*Message, error) {
	e := EffectiveEmailTemplate(t, nil)
	subjectSrc := map[string]string{NoticeCreated: e.Subject, NoticeUpdated: e.UpdateSubject, NoticeResolved: e.ResolvedSubject,
		NoticeMaintenance: e.MaintenanceSubject}[kind]
	if subjectSrc == "" {
		return nil, fmt.Errorf("notify: unknown notice kind %q", kind)
	}
	subject, err := renderSubject(subjectSrc, v)
	if err != nil {
		return nil, err
	}
	body, err := renderHTMLPart("body", e.Body, v)
	if err != nil {
		return nil, err
	}
	footer, err := renderHTMLPart("footer", e.Footer, v)
	if err != nil {
		return nil, err
	}
	hasUnsubscribe := strings.Contains(e.Body+e.Footer, "unsubscribe_url")
	var out bytes.Buffer
	err = mailLayout.Execute(&limitedBuffer{buf: &out}, map[string]any{"Brand": e.BrandColor, "OnBrand": onColour(e.BrandColor),
		"Background": e.BackgroundColor, "Text": e.TextColor, "Logo": e.LogoURL, "PageName": v.PageName,
		"Body": body, "Footer": footer, "AddUnsubscribe": !hasUnsubscribe, "Unsubscribe": v.UnsubscribeURL})
	if err != nil {
		return nil, fmt.Errorf("the message does not render: %w", err)
	}
	text := strings.TrimSpace(htmlText(string(body))) + "\n\n-- \n" + strings.TrimSpace(htmlText(string(footer))) + "\n"
	if !hasUnsubscribe {
		text += "Unsubscribe: " + v.UnsubscribeURL + "\n"
	}
	return &Message{Subject: subject, Text: text, HTML: out.String(), ListUnsubscribe: v.UnsubscribeURL}, nil
}

// renderSubject renders a subject template as plain text on one line of bounded length.
func renderSubject(src string, v EmailVars) (string, error) {
	t, err := texttemplate.New("subject").Option("missingkey=error").Funcs(templateFuncs(v, false)).Parse(src)
	if err != nil {
		return "", errors.New("the subject does not parse: " + parseErrorText("subject", err))
	}
	var b bytes.Buffer
	if err := t.Execute(&limitedBuffer{buf: &b}, nil); err != nil {
		return "", fmt.Errorf("the subject does not render: %w", err)
	}
	s := strings.Join(strings.Fields(b.String()), " ")
	if utf8.RuneCountInString(s) > maxRenderedSubject {
		s = string([]rune(s)[:maxRenderedSubject-1]) + "…"
	}
	return s, nil
}

// renderHTMLPart renders the body or the footer as an HTML fragment.
func renderHTMLPart(name, src string, v EmailVars) (htmltemplate.HTML, error) {
	t, err := htmltemplate.New(name).Option("missingkey=error").Funcs(templateFuncs(v, true)).Parse(src)
	if err != nil {
		return "", fmt.Errorf("the %s does not parse: %s", name, parseErrorText(name, err))
	}
	var b bytes.Buffer
	if err := t.Execute(&limitedBuffer{buf: &b}, nil); err != nil {
		return "", fmt.Errorf("the %s does not render: %s", name, escaperErrorText(err))
	}
	return htmltemplate.HTML(b.String()), nil // #nosec: html/template escaped every value above
}

// templateFuncs binds the variables to v. In HTML the update message keeps its line
// breaks: it is escaped here and its newlines become <br>, so it is passed on as HTML.
func templateFuncs(v EmailVars, html bool) map[string]any {
	var message any = v.UpdateMessage
	if html {
		message = htmltemplate.HTML(strings.ReplaceAll(htmltemplate.HTMLEscapeString(v.UpdateMessage), "\n", "<br>\n"))
	}
	funcs := map[string]any{
		"incident": func() map[string]any {
			return map[string]any{"title": v.IncidentTitle, "status": v.IncidentStatus, "severity": v.IncidentSeverity, "components": v.IncidentComponents}
		},
		"page":            func() map[string]any { return map[string]any{"name": v.PageName, "url": v.PageURL} },
		"update":          func() map[string]any { return map[string]any{"message": message, "time": v.UpdateTime} },
		"unsubscribe_url": func() string { return v.UnsubscribeURL },
	}
	for name, f := range templateFilters {
		funcs[name] = func(s any) string { return f(fmt.Sprint(s)) }
	}
	return funcs
}

// mailLayout is the fixed frame of every subscriber e-mail: the header in the brand
// colour with the logo (or the page's name), the body and the footer.
var mailLayout = htmltemplate.Must(htmltemplate.New("layout").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
<body style="margin:0;padding:0;background-color:{{.Background}};color:{{.Text}};font-family:sans-serif;line-height:1.5">
<div style="max-width:600px;margin:0 auto;padding:16px">
<div style="background-color:{{.Brand}};color:{{.OnBrand}};padding:12px 16px;border-radius:6px">{{if .Logo}}<img src="{{.Logo}}" alt="{{.PageName}}" style="max-height:48px;max-width:100%;display:block">{{else}}<strong>{{.PageName}}</strong>{{end}}</div>
<div style="padding:16px 0">
{{.Body}}
</div>
<div style="font-size:90%;opacity:.8;border-top:1px solid {{.Brand}};padding-top:12px">
{{.Footer}}{{if .AddUnsubscribe}} <a href="{{.Unsubscribe}}">Unsubscribe</a>{{end}}
</div>
</div>
</body></html>
`))

// onColour is black or white, whichever reads better on a #rrggbb or #rgb colour.
func onColour(hex string) string {
	h := strings.TrimPrefix(hex, "#")
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		return "#ffffff"
	}
	lin := func(i int) float64 {
		n, _ := strconv.ParseUint(h[i:i+2], 16, 8)
		x := float64(n) / 255
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(0) + 0.7152*lin(2) + 0.0722*lin(4)
	if (l+0.05)/0.05 > 1.05/(l+0.05) {
		return "#000000"
	}
	return "#ffffff"
}

// limitedBuffer fails a write that would take buf past maxRenderedPart.
type limitedBuffer struct{ buf *bytes.Buffer }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if l.buf.Len()+len(p) > maxRenderedPart {
		return 0, fmt.Errorf("the rendered message is larger than %d KiB", maxRenderedPart>>10)
	}
	return l.buf.Write(p)
}
