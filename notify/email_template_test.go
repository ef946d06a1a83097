package notify

import (
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// The documented syntax renders through Go's templates: values filled, escaped in HTML,
// plain in the text part, and the documented default subject for a new incident.
func TestEmailTemplateRenders(t *testing.T) {
	v := SampleEmailVars("Acme <Status>", "https://status.example.com/status/acme")
	v.IncidentTitle = `<script>alert("x")</script> & more`
	msg, err := RenderEmailTemplate(nil, NoticeCreated, v)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Subject != "We're investigating an issue — Acme <Status>" {
		t.Fatalf("default subject %q", msg.Subject)
	}
	if strings.Contains(msg.HTML, "<script>") || !strings.Contains(msg.HTML, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more") {
		t.Fatalf("title not escaped in HTML:\n%s", msg.HTML)
	}
	if !strings.Contains(msg.Text, `<script>alert("x")</script> & more`) || !strings.Contains(msg.Text, "Unsubscribe: "+v.UnsubscribeURL) ||
		!strings.Contains(msg.Text, "We are investigating elevated error rates.\nNext update within 30 minutes.") {
		t.Fatalf("text part:\n%s", msg.Text)
	}
	custom := &store.EmailTemplate{Subject: "[{{page.name | upper}}] {{incident.title}} is {{incident.status}}",
		Body: `<p>Hello, {{update.message}}</p>{{if incident.components}}<p>Hit: {{incident.components}}</p>{{end}}`, Footer: "Bye",
		BrandColor: "#ff0000", BackgroundColor: "#000", TextColor: "#eeeeee", LogoURL: "https://cdn.example.com/logo.png"}
	if p := CheckEmailTemplate(custom); p != nil {
		t.Fatalf("valid template refused: %v", p)
	}
	msg, err = RenderEmailTemplate(custom, NoticeCreated, v)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Subject != `[ACME <STATUS>] <script>alert("x")</script> & more is investigating` {
		t.Fatalf("custom subject %q", msg.Subject)
	}
	for _, want := range []string{"background-color:#ff0000", "background-color:#000", "color:#eeeeee", `src="https://cdn.example.com/logo.png"`,
		"<p>Hello, We are investigating elevated error rates.<br>\nNext update", "<p>Hit: API</p>", ">Unsubscribe</a>"} {
		if !strings.Contains(msg.HTML, want) {
			t.Fatalf("HTML lacks %q:\n%s", want, msg.HTML)
		}
	}
	if !strings.Contains(msg.Text, "Hit: API") || !strings.Contains(msg.Text, "Unsubscribe: "+v.UnsubscribeURL) {
		t.Fatalf("text part:\n%s", msg.Text)
	}
}

// A template that does not parse, reaches for anything but the variables, or is too big
// is refused with the field and the position.
func TestEmailTemplateCheckNamesPosition(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tmpl  store.EmailTemplate
		field string
		want  string
	}{
		{"unknown variable", store.EmailTemplate{Body: "<p>Hi</p>\n<p>{{ incident.titel }}</p>"}, "body", `line 2, column 7: unknown variable "incident.titel"`},
		{"unclosed action", store.EmailTemplate{Subject: "Down: {{incident.title"}, "subject", "line 1:"},
		{"unclosed if", store.EmailTemplate{Footer: "a\n{{if page.name}}x"}, "footer", "does not parse"},
		{"call", store.EmailTemplate{Body: `{{call page.name}}`}, "body", `line 1, column 3: unknown variable or function "call"`},
		{"printf", store.EmailTemplate{Body: `{{printf "%s" page.name}}`}, "body", "unknown variable"},
		{"dot", store.EmailTemplate{Body: `{{.}}`}, "body", "unknown variable"},
		{"field", store.EmailTemplate{Body: `{{.Secret}}`}, "body", `unknown variable ".Secret"`},
		{"range", store.EmailTemplate{Body: `{{range page.name}}x{{end}}`}, "body", "is not allowed"},
		{"template", store.EmailTemplate{Body: `{{define "x"}}y{{end}}{{template "x"}}`}, "body", "not allowed"},
		{"variable", store.EmailTemplate{Body: `{{$x := page.name}}{{$x}}`}, "body", "not allowed"},
		{"filter args", store.EmailTemplate{Body: `{{upper page.name page.url}}`}, "body", "takes one value"},
		{"script context", store.EmailTemplate{Body: `<a href="{{page.url}}`}, "body", "body"},
		{"colour", store.EmailTemplate{BrandColor: "red"}, "brand_color", "hex colour"},
		{"logo", store.EmailTemplate{LogoURL: "javascript:alert(1)"}, "logo_url", "http(s)"},
		{"subject size", store.EmailTemplate{Subject: strings.Repeat("x", MaxTemplateSubject+1)}, "subject", "at most 300"},
		{"body size", store.EmailTemplate{Body: strings.Repeat("x", MaxTemplateBody+1)}, "body", "at most 20000"},
		{"subject line", store.EmailTemplate{Subject: "a\r\nBcc: x@example.com"}, "subject", "one line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := CheckEmailTemplate(&tc.tmpl)
			if !strings.Contains(p[tc.field], tc.want) {
				t.Fatalf("problems %v, want %s: ...%s...", p, tc.field, tc.want)
			}
		})
	}
}

// A body that multiplies a long message is cut off by the output bound, not by memory.
func TestEmailTemplateOutputBounded(t *testing.T) {
	v := SampleEmailVars("Acme", "https://status.example.com")
	v.UpdateMessage = strings.Repeat("m", 5000)
	body := strings.Repeat("{{update.message}}", 1000)
	if _, err := RenderEmailTemplate(&store.EmailTemplate{Body: body}, NoticeUpdated, v); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("err = %v", err)
	}
}

// A notice is rendered once for all its subscribers, each message carrying the
// subscriber's own unsubscribe link; a template that transforms the link is rendered per
// subscriber so nobody gets the placeholder.
func TestNoticeRenderedOncePerNotice(t *testing.T) {
	sn := &SubscriberNotices{BaseURL: "https://status.example.com"}
	page := &store.StatusPage{ID: "p", Name: "Acme", Slug: "acme"}
	change := &store.IncidentChange{Kind: store.IncidentKindCreated, Page: page,
		Incident: &store.Incident{Title: "Down", Status: "investigating"}, Update: &store.IncidentUpdate{Message: "Looking."}}
	for _, tc := range []struct {
		name    string
		footer  string
		renders int
	}{
		{"plain link", `<a href="{{unsubscribe_url}}">Leave</a> {{unsubscribe_url}}`, 1},
		{"transformed link", `<a href="{{unsubscribe_url}}">Leave</a> {{unsubscribe_url | upper}}`, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page.EmailTemplate = &store.EmailTemplate{Footer: tc.footer}
			n := &store.SubscriberNotice{OrgID: "o", Page: page, Change: change}
			renders := 0
			render := func(n *store.SubscriberNotice, u string) *Message { renders++; return sn.render(n, u) }
			var c noticeCache
			for _, who := range []string{"su_aaa", "su_bbb", "su_ccc"} {
				link := sn.tokenURL("unsubscribe", who)
				m := c.message(n, link, sn.tokenURL("unsubscribe", unsubscribePlaceholder), render)
				all := m.Subject + m.Text + m.HTML
				if strings.Contains(strings.ToLower(all), strings.ToLower(unsubscribePlaceholder)) || !strings.Contains(m.HTML, `href="`+link+`"`) ||
					!strings.Contains(m.Text, "Leave: "+link) || m.ListUnsubscribe != link {
					t.Fatalf("message for %s:\n%s\n%s", who, m.Text, m.HTML)
				}
			}
			if renders != tc.renders {
				t.Fatalf("%d renders for 3 subscribers, want %d", renders, tc.renders)
			}
		})
	}
}
