package store

import (
	"encoding/json"
	"testing"
	"time"
)

// TestServiceHeadFastPath: a record as the store writes it — awkward names included — is
// read by the scanner, which stops at status, and says what a full decode says.
func TestServiceHeadFastPath(t *testing.T) {
	now := time.Now().UTC()
	rt, code := 120, 200
	for _, name := range []string{"plain", `quote " and \ backslash`, "tab\tand\nnewline", "ünïcödé ✓ <b>&</b>", ""} {
		s := Service{ID: NewID(), OrgID: NewID(), Name: name, Description: `"status":"RED"`, Environment: "prod",
			Endpoint: "https://x.example.com/?a=1&b=2", CheckType: "HTTP", CheckIntervalSeconds: 60, TimeoutSeconds: 10,
			Status: StatusYellow, Tags: []string{"a"}, Options: json.RawMessage(`{"headers":{"X":"********"}}`),
			Auth: &SealedAuth{Type: "bearer", Sealed: []byte{1, 2, 3}}, LastCheckedAt: &now, LastResponseTimeMS: &rt,
			LastStatusCode: &code, CreatedAt: now, UpdatedAt: now}
		raw, err := json.Marshal(&s)
		if err != nil {
			t.Fatal(err)
		}
		h, ok := scanServiceHead(raw)
		if !ok || h != (serviceHead{s.ID, s.Name, s.Status}) {
			t.Errorf("%q: scanned %+v, %v", name, h, ok)
		}
	}
	// Any other shape is decoded whole, with the same answer.
	for _, raw := range []string{`{"status":"RED","name":"a","id":"x"}`, `{"options":{},"id":"x","name":"n","status":"GREEN"}`, `{"id":"x","name":null}`} {
		h, err := readServiceHead([]byte(raw))
		var want serviceHead
		if jerr := json.Unmarshal([]byte(raw), &want); err != nil || jerr != nil || h != want {
			t.Errorf("%s: %+v, %v; want %+v", raw, h, err, want)
		}
	}
	if _, err := readServiceHead([]byte(`{"id":`)); err == nil {
		t.Error("a truncated record was read")
	}
}

// FuzzServiceHead: for a record as the store writes it, whatever its strings hold, the
// scanner reads what encoding/json reads.
func FuzzServiceHead(f *testing.F) {
	f.Add("n\u00e9", "desc", "https://x.example.com", "GREEN", "tag")
	f.Add(`x"y\`, `"status":"RED"`, "\u2028", "", "")
	f.Fuzz(func(t *testing.T, name, description, endpoint, status, tag string) {
		s := Service{ID: NewID(), Name: name, Description: description, Endpoint: endpoint, Status: status,
			Tags: []string{tag}, Options: json.RawMessage(`{}`)}
		raw, err := json.Marshal(&s)
		if err != nil {
			t.Fatal(err)
		}
		var want serviceHead
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if h, ok := scanServiceHead(raw); !ok || h != want {
			t.Fatalf("%s: scanned %+v (%v), decoded %+v", raw, h, ok, want)
		}
	})
}
