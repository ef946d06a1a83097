package store

import (
	"encoding/json"
	"testing"
)

// Rules stored while the field was a boolean still decode, as "off".
func TestIncidentTemplateReadsLegacyBoolean(t *testing.T) {
	for _, raw := range []string{`{"create_status_page_incident":false}`, `{"create_status_page_incident":true}`, `{"create_status_page_incident":null}`, `{}`} {
		var r AlertRule
		if err := json.Unmarshal([]byte(raw), &r); err != nil || r.CreateStatusPageIncident.Enabled() {
			t.Errorf("%s: %v, enabled %v", raw, err, r.CreateStatusPageIncident.Enabled())
		}
	}
	var r AlertRule
	raw := `{"create_status_page_incident":{"status_page_id":"p","component_id":"c","severity":"minor"}}`
	if err := json.Unmarshal([]byte(raw), &r); err != nil || !r.CreateStatusPageIncident.Enabled() || r.CreateStatusPageIncident.ComponentID != "c" {
		t.Fatalf("object: %+v, %v", r.CreateStatusPageIncident, err)
	}
}
