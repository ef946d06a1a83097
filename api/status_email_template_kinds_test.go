package api

import (
	"strings"
	"testing"
)

// The preview of each kind of notice, without an incident, shows a sample of that kind:
// a resolved notice reads "Resolved" with a resolution message, a maintenance notice a
// maintenance window (its status "maintenance", its start and end) — not the sample of a
// new incident under another subject.
func TestEmailTemplatePreviewSamplePerKind(t *testing.T) {
	m := newSubscriberMailEnv(t, nil)
	path := "/api/v1/status-pages/" + m.pageID + "/email-template/preview"
	for kind, want := range map[string][]string{
		"created":     {"Investigating"},
		"updated":     {"Identified"},
		"resolved":    {"Resolved", "back to normal"},
		"maintenance": {"Maintenance", " – "},
	} {
		rec := m.do("POST", path, m.owner.Token, map[string]any{"kind": kind})
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", kind, rec.Code, rec.Body.String())
		}
		text := decode[map[string]string](t, rec)["text"]
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("the %s preview does not say %q:\n%s", kind, w, text)
			}
		}
		if kind != "created" && strings.Contains(text, "Investigating") {
			t.Errorf("the %s preview shows the new-incident sample:\n%s", kind, text)
		}
	}
}
