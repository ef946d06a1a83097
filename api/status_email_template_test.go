package api

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/notify"
)

// customTemplate is a page template using every documented variable.
func customTemplate() map[string]any {
	return map[string]any{
		"subject":          "[{{page.name}}] {{incident.title}} ({{incident.status}})",
		"update_subject":   "Update on {{incident.title}}: {{incident.status | upper}}",
		"brand_color":      "#ff6600",
		"background_color": "#fafafa",
		"text_color":       "#111111",
		"logo_url":         "https://cdn.example.com/acme.png",
		"body":             "<p>Hello from {{page.name}}.</p>\n<p><b>{{incident.title}}</b></p>\n<p>{{update.message}}</p>",
		"footer":           `Sent by Acme. <a href="{{unsubscribe_url}}">Leave this list</a>`,
	}
}

// A custom template renders in the preview (sample and real incident, saved and unsaved
// template) and in the message a real SMTP server receives: subject and body with the
// variables filled, an incident title with <script> shown as text, the unsubscribe link
// of the template working. Reset brings back the documented default subject.
func TestEmailTemplateRendersInPreviewAndMail(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	seen := 0
	base := "/api/v1/status-pages/" + m.pageID
	if rec := m.do("POST", "/api/v1/public/status-pages/acme/subscribe", "", map[string]any{"email": "ann@example.com"}); rec.Code != 200 {
		t.Fatalf("subscribe: %d %s", rec.Code, rec.Body.String())
	}
	if rec := m.do("GET", link(t, m.deliver(&seen)[0], "confirm"), "", nil); rec.Code != 200 {
		t.Fatalf("confirm: %d", rec.Code)
	}
	def := decode[emailTemplateView](t, m.do("GET", base+"/email-template", m.owner.Token, nil))
	if def.Customized || def.Subject != "We're investigating an issue — {{page.name}}" {
		t.Fatalf("default template: %+v", def)
	}
	rec := m.do("PUT", base+"/email-template", m.owner.Token, customTemplate())
	if rec.Code != 200 || !decode[emailTemplateView](t, rec).Customized {
		t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
	}

	pv := decode[previewView](t, m.do("POST", base+"/email-template/preview", m.owner.Token, map[string]any{}))
	if pv.Subject != "[Acme Status] Elevated error rates on the API (investigating)" || pv.Kind != "created" ||
		!strings.Contains(pv.HTML, "background-color:#ff6600") || !strings.Contains(pv.HTML, `src="https://cdn.example.com/acme.png"`) ||
		!strings.Contains(pv.HTML, "<p>Hello from Acme Status.</p>") || !strings.Contains(pv.Text, "Leave this list: http://localhost:3001/api/v1/public/subscriptions/unsubscribe?token=preview") {
		t.Fatalf("preview: %+v", pv)
	}
	// The editor's live preview: an unsaved template, as a later update.
	pv = decode[previewView](t, m.do("POST", base+"/email-template/preview", m.owner.Token,
		map[string]any{"kind": "updated", "template": map[string]any{"update_subject": "Draft {{page.name | lower}}"}}))
	if pv.Subject != "Draft acme status" || pv.Kind != "updated" {
		t.Fatalf("unsaved preview: %+v", pv)
	}

	rec = m.do("POST", base+"/incidents", m.owner.Token, map[string]any{"title": "<script>alert(1)</script> API errors", "status": "investigating",
		"severity": "major", "affected_component_ids": []string{m.compID}, "message": "We are looking into it.\nMore soon."})
	if rec.Code != 201 {
		t.Fatalf("incident: %d %s", rec.Code, rec.Body.String())
	}
	incID := decode[incidentView](t, rec).ID
	got := m.deliver(&seen)
	if len(got) != 1 {
		t.Fatalf("mails: %+v", got)
	}
	mail := got[0]
	mail.Text = strings.ReplaceAll(mail.Text, "\r\n", "\n")
	if mail.Subject != "[Acme Status] <script>alert(1)</script> API errors (investigating)" {
		t.Fatalf("subject %q", mail.Subject)
	}
	if strings.Contains(mail.HTML, "<script>") || !strings.Contains(mail.HTML, "<b>&lt;script&gt;alert(1)&lt;/script&gt; API errors</b>") ||
		!strings.Contains(mail.HTML, "We are looking into it.<br>") || !strings.Contains(mail.HTML, "background-color:#ff6600") {
		t.Fatalf("HTML part:\n%s", mail.HTML)
	}
	if !strings.Contains(mail.Text, "Hello from Acme Status.") || !strings.Contains(mail.Text, "<script>alert(1)</script> API errors") ||
		!strings.Contains(mail.Text, "We are looking into it.\nMore soon.") {
		t.Fatalf("text part:\n%s", mail.Text)
	}
	// The preview of that incident is what was sent.
	pv = decode[previewView](t, m.do("POST", base+"/email-template/preview", m.owner.Token, map[string]any{"incident_id": incID}))
	if pv.Subject != mail.Subject || pv.Kind != "created" {
		t.Fatalf("incident preview: %+v", pv)
	}
	if rec := m.do("POST", base+"/incidents/"+incID+"/updates", m.owner.Token, map[string]any{"status": "identified", "message": "Found it."}); rec.Code >= 300 {
		t.Fatalf("update: %d", rec.Code)
	}
	got = m.deliver(&seen)
	if len(got) != 1 || got[0].Subject != "Update on <script>alert(1)</script> API errors: IDENTIFIED" {
		t.Fatalf("update mail: %+v", got)
	}
	// The template's own unsubscribe link works.
	if rec := m.do("GET", link(t, got[0], "unsubscribe"), "", nil); rec.Code != 200 {
		t.Fatalf("unsubscribe through the template's link: %d %s", rec.Code, rec.Body.String())
	}

	rec = m.do("DELETE", base+"/email-template", m.owner.Token, nil)
	if v := decode[emailTemplateView](t, rec); rec.Code != 200 || v.Customized || v.Subject != notify.DefaultSubject || v.BrandColor != notify.DefaultBrandColor {
		t.Fatalf("reset: %d %+v", rec.Code, v)
	}
	pv = decode[previewView](t, m.do("POST", base+"/email-template/preview", m.owner.Token, map[string]any{}))
	if pv.Subject != "We're investigating an issue — Acme Status" {
		t.Fatalf("default preview subject %q", pv.Subject)
	}
	audit := m.do("GET", "/api/v1/audit-logs?resource_type=status_page", m.owner.Token, nil).Body.String()
	if !strings.Contains(audit, "status_page.email_template_updated") || !strings.Contains(audit, "status_page.email_template_reset") {
		t.Fatalf("audit log: %s", audit)
	}
}

// A template that does not parse or names an unknown variable is a 422 naming the field
// and the position; nothing is saved. Viewers cannot save; another organization's page is
// not found.
func TestEmailTemplateRefusesBadTemplates(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	base := "/api/v1/status-pages/" + m.pageID + "/email-template"
	if rec := m.do("PUT", base, m.owner.Token, customTemplate()); rec.Code != 200 {
		t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
	}
	for _, tc := range []struct {
		name, field, want string
		body              map[string]any
	}{
		{"unknown variable", "body", `line 2, column 7: unknown variable "incident.titel"`, map[string]any{"body": "<p>Hi</p>\n<p>{{ incident.titel }}</p>"}},
		{"unknown function", "subject", `line 1, column 3: unknown variable or function "printf"`, map[string]any{"subject": `{{printf "%d" 1}}`}},
		{"does not parse", "footer", "does not parse: line 2:", map[string]any{"footer": "a\nb {{page.name"}},
		{"unclosed if", "update_subject", "does not parse", map[string]any{"update_subject": "{{if page.name}}x"}},
		{"range", "body", "is not allowed", map[string]any{"body": "{{range page.name}}{{end}}"}},
		{"escaper", "body", "does not render", map[string]any{"body": `<a href="{{page.url}}`}},
		{"colour", "text_color", "hex colour", map[string]any{"text_color": "#12345"}},
		{"logo", "logo_url", "http(s)", map[string]any{"logo_url": "data:image/png;base64,AAAA"}},
		{"body size", "body", "at most 20000 characters", map[string]any{"body": strings.Repeat("é", 20001)}},
		{"footer size", "footer", "at most 4000 characters", map[string]any{"footer": strings.Repeat("x", 4001)}},
		{"subject header injection", "maintenance_subject", "one line", map[string]any{"maintenance_subject": "x\nBcc: a@example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := m.do("PUT", base, m.owner.Token, tc.body)
			if rec.Code != 422 {
				t.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
			var body struct {
				Error  string            `json:"error"`
				Fields map[string]string `json:"fields"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error != "validation_failed" || !strings.Contains(body.Fields[tc.field], tc.want) {
				t.Fatalf("fields %v, want %s: ...%s...", body.Fields, tc.field, tc.want)
			}
			// The preview refuses the same template under template.<field>.
			rec = m.do("POST", base+"/preview", m.owner.Token, map[string]any{"template": tc.body})
			if rec.Code != 422 || !strings.Contains(rec.Body.String(), `"template.`+tc.field+`"`) {
				t.Fatalf("preview: %d %s", rec.Code, rec.Body.String())
			}
		})
	}
	// Nothing was saved: the custom template is still in force.
	if v := decode[emailTemplateView](t, m.do("GET", base, m.owner.Token, nil)); v.BrandColor != "#ff6600" || !v.Customized {
		t.Fatalf("after refusals: %+v", v)
	}
	viewer := m.newUser("vic@example.com", "Vic")
	m.join(m.owner.OrgID, viewer, roleViewer)
	if rec := m.do("PUT", base+"?org="+m.owner.OrgSlug, viewer.Token, customTemplate()); rec.Code != 403 {
		t.Fatalf("viewer save: %d", rec.Code)
	}
	other := m.newUser("eve@example.net", "Eve")
	for _, method := range []string{"GET", "PUT", "DELETE"} {
		if rec := m.do(method, base, other.Token, customTemplate()); rec.Code != 404 {
			t.Fatalf("other organization %s: %d", method, rec.Code)
		}
	}
	if rec := m.do("POST", base+"/preview", other.Token, map[string]any{}); rec.Code != 404 {
		t.Fatalf("other organization preview: %d", rec.Code)
	}
	if rec := m.do("POST", base+"/preview", m.owner.Token, map[string]any{"incident_id": "nope"}); rec.Code != 422 {
		t.Fatalf("unknown incident: %d", rec.Code)
	}
}

// Export carries the template and import restores it (a reset page gets it back); a bad
// template in an imported document is a 422 at the page's path.
func TestEmailTemplateExportImport(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	base := "/api/v1/status-pages/" + m.pageID + "/email-template"
	if rec := m.do("PUT", base, m.owner.Token, customTemplate()); rec.Code != 200 {
		t.Fatalf("save: %d", rec.Code)
	}
	doc := m.do("GET", "/api/v1/export?format=json", m.owner.Token, nil).Body.String()
	if !strings.Contains(doc, `"email_template"`) || !strings.Contains(doc, `"brand_color": "#ff6600"`) && !strings.Contains(doc, `"brand_color":"#ff6600"`) {
		t.Fatalf("export lacks the template:\n%s", doc)
	}
	if rec := m.do("DELETE", base, m.owner.Token, nil); rec.Code != 200 {
		t.Fatalf("reset: %d", rec.Code)
	}
	if rec := m.do("POST", "/api/v1/import", m.owner.Token, doc); rec.Code != 200 {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	v := decode[emailTemplateView](t, m.do("GET", base, m.owner.Token, nil))
	if !v.Customized || v.BrandColor != "#ff6600" || v.Subject != customTemplate()["subject"] {
		t.Fatalf("after import: %+v", v)
	}
	// The YAML export too (multi-line body, braces and quotes).
	yamlDoc := m.do("GET", "/api/v1/export", m.owner.Token, nil).Body.String()
	if rec := m.do("DELETE", base, m.owner.Token, nil); rec.Code != 200 {
		t.Fatalf("reset: %d", rec.Code)
	}
	req := httptest.NewRequest("POST", "/api/v1/import", strings.NewReader(yamlDoc))
	if rec := m.send(req, "192.0.2.10", m.owner.Token, "application/yaml"); rec.Code != 200 {
		t.Fatalf("YAML import: %d %s\n%s", rec.Code, rec.Body.String(), yamlDoc)
	}
	if v := decode[emailTemplateView](t, m.do("GET", base, m.owner.Token, nil)); v.Body != customTemplate()["body"] || v.Footer != customTemplate()["footer"] {
		t.Fatalf("after the YAML import: %+v", v)
	}
	bad := strings.Replace(doc, "{{incident.status}}", "{{incident.nope}}", 1)
	rec := m.do("POST", "/api/v1/import", m.owner.Token, bad)
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), `status_pages[0].email_template.subject`) || !strings.Contains(rec.Body.String(), "incident.nope") {
		t.Fatalf("bad template import: %d %s", rec.Code, rec.Body.String())
	}
}
