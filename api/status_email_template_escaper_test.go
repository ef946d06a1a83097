package api

import (
	"encoding/json"
	"strings"
	"testing"
)

// The HTML escaper's refusals (an attribute value, tag or element left open) are reported
// under the field that holds the mistake — the footer's under "footer", not "body" — in
// words a page editor can act on (the line, what is left open), never as the escaper's
// internal state dump, on save and in the preview (under "template.<field>").
func TestEmailTemplateEscaperRefusalNamesItsField(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	base := "/api/v1/status-pages/" + m.pageID + "/email-template"
	for _, tc := range []struct {
		name, field, want string
		template          map[string]any
	}{
		{"footer attribute left open", "footer", `an attribute value opened with " is never closed`,
			map[string]any{"footer": `<a href="{{unsubscribe_url}}">Leave</a> <p title="{{page.name}}`}},
		{"body attribute left open", "body", `an attribute value opened with " is never closed`,
			map[string]any{"body": "<p>Hi</p>\n<a href=\"{{page.url}}"}},
		{"body tag left open", "body", "is never closed",
			map[string]any{"body": "<p>Hi</p>\n<a href={{page.url}}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, req := range []struct {
				method, path, key string
				body              map[string]any
			}{
				{"PUT", base, tc.field, tc.template},
				{"POST", base + "/preview", "template." + tc.field, map[string]any{"template": tc.template}},
			} {
				rec := m.do(req.method, req.path, m.owner.Token, req.body)
				var body struct {
					Error  string            `json:"error"`
					Fields map[string]string `json:"fields"`
				}
				if rec.Code != 422 || json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Error != "validation_failed" {
					t.Fatalf("%s %s: %d %s", req.method, req.path, rec.Code, rec.Body.String())
				}
				got := body.Fields[req.key]
				if !strings.Contains(got, tc.want) || strings.Contains(got, "state") || strings.Contains(got, "html/template") || len(body.Fields) != 1 {
					t.Fatalf("%s %s: fields %v, want only %s saying %q in plain words", req.method, req.path, body.Fields, req.key, tc.want)
				}
			}
		})
	}
	// Nothing was saved by the refused requests.
	if got := decode[emailTemplateView](t, m.do("GET", base, m.owner.Token, nil)); got.Customized {
		t.Fatalf("a refused template was saved: %+v", got)
	}
}
