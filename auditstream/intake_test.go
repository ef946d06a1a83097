package auditstream

import "testing"

// The intake URL the API shows is where the entries go: a Splunk collector without a path
// gets /services/collector/event, an Elastic cluster /_bulk — placed in the path, before
// a query string (not appended after it) — and the Elastic encoder posts exactly there.
func TestIntakeURLIsWhereEntriesArePosted(t *testing.T) {
	for _, tc := range []struct{ typ, url, want string }{
		{TypeSplunkHEC, "https://splunk.example.com:8088", "https://splunk.example.com:8088/services/collector/event"},
		{TypeSplunkHEC, "https://splunk.example.com:8088/", "https://splunk.example.com:8088/services/collector/event"},
		{TypeSplunkHEC, "https://splunk.example.com/custom/collector?channel=c1", "https://splunk.example.com/custom/collector?channel=c1"},
		{TypeElastic, "https://es.example.com:9200", "https://es.example.com:9200/_bulk"},
		{TypeElastic, "https://es.example.com:9200/logs-audit/", "https://es.example.com:9200/logs-audit/_bulk"},
		{TypeElastic, "https://es.example.com:9200/_bulk", "https://es.example.com:9200/_bulk"},
		{TypeElastic, "https://es.example.com:9200/?pipeline=audit", "https://es.example.com:9200/_bulk?pipeline=audit"},
		{TypeWebhook, "https://hooks.example.com/in?k=1", "https://hooks.example.com/in?k=1"},
		{TypeDatadog, "", "https://http-intake.logs.datadoghq.com/api/v2/logs"},
	} {
		if got := IntakeURL(tc.typ, tc.url, nil); got != tc.want {
			t.Errorf("IntakeURL(%s, %q) = %q, want %q", tc.typ, tc.url, got, tc.want)
		}
	}
	req, err := encodeElastic(IntakeURL(TypeElastic, "https://es.example.com:9200/?pipeline=audit", nil), map[string]string{"index": "audit"}, nil)
	if err != nil || req.url != "https://es.example.com:9200/_bulk?pipeline=audit" {
		t.Fatalf("elastic posts to %q (%v)", req.url, err)
	}
}
