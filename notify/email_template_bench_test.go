package notify

import "testing"

// BenchmarkRenderEmailTemplate is one subscriber message with the default template.
func BenchmarkRenderEmailTemplate(b *testing.B) {
	v := SampleEmailVars("Acme", "https://status.example.com/status/acme")
	for b.Loop() {
		if _, err := RenderEmailTemplate(nil, NoticeUpdated, v); err != nil {
			b.Fatal(err)
		}
	}
}
