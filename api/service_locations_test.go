package api

import (
	"encoding/json"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// TestServiceLocations covers a service's locations and quorum (SPEC §8): the defaults, the
// organization's default_locations, the 422s (a location of another organization is as
// unknown as one that does not exist), PATCH keeping them, and the export.
func TestServiceLocations(t *testing.T) {
	e := newLocationsEnv(t)
	for _, name := range []string{"eu-west", "us-east", "ap-south"} {
		if err := e.db.CreateLocation(e.ada.OrgID, &store.Location{Name: name}, nil); err != nil {
			t.Fatal(err)
		}
	}
	svc := func(extra map[string]any) map[string]any {
		b := map[string]any{"name": "Shop", "endpoint": "https://example.com/", "check_type": "HTTP"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	var id string
	e.run([]scenario{
		{name: "the built-in location by default", method: "POST", path: "/api/v1/services", token: e.ada.Token, body: svc(nil), status: 201,
			contains: []string{`"locations":["local"]`, `"location_quorum":1`, `"location_status":{"local":"PENDING"}`},
			check:    func(t *testing.T, rec *httptest.ResponseRecorder) { id = decode[serviceView](t, rec).ID }},
	})
	e.run([]scenario{
		{name: "an unknown location is 422 on the field", method: "PATCH", path: "/api/v1/services/" + id, token: e.ada.Token,
			body: map[string]any{"locations": []string{"eu-west", "mars"}}, status: 422,
			contains: []string{`"error":"validation_failed"`, `"locations":"names locations this organization cannot use: \"mars\"`}},
		{name: "another organization's location is unknown", method: "PATCH", path: "/api/v1/services/" + id, token: e.ada.Token,
			body: map[string]any{"locations": []string{"bob-lab"}}, status: 422, contains: []string{`"locations":`, `bob-lab`}},
		{name: "no location at all is 422", method: "PATCH", path: "/api/v1/services/" + id, token: e.ada.Token,
			body: map[string]any{"locations": []string{}}, status: 422, contains: []string{`"locations":"must name at least one location"`}},
		{name: "quorum above the number of locations", method: "PATCH", path: "/api/v1/services/" + id, token: e.ada.Token,
			body: map[string]any{"locations": []string{"eu-west", "us-east"}, "location_quorum": 3}, status: 422,
			contains: []string{`"location_quorum":"must be a whole number from 1 to the number of locations (2)"`}},
		{name: "quorum zero", method: "PATCH", path: "/api/v1/services/" + id, token: e.ada.Token,
			body: map[string]any{"location_quorum": 0}, status: 422, contains: []string{`"location_quorum"`}},
		{name: "three locations, default quorum 2", method: "PATCH", path: "/api/v1/services/" + id, token: e.ada.Token,
			body: map[string]any{"locations": []string{"eu-west", "us-east", "ap-south", "eu-west"}}, status: 200,
			contains: []string{`"locations":["eu-west","us-east","ap-south"]`, `"location_quorum":2`,
				`"location_status":{"ap-south":"PENDING","eu-west":"PENDING","us-east":"PENDING"}`}},
		{name: "an explicit quorum", method: "PATCH", path: "/api/v1/services/" + id, token: e.ada.Token,
			body: map[string]any{"location_quorum": 3}, status: 200, contains: []string{`"location_quorum":3`}},
		{name: "fewer locations than the stored quorum is 422", method: "PATCH", path: "/api/v1/services/" + id, token: e.ada.Token,
			body: map[string]any{"locations": []string{"eu-west"}}, status: 422, contains: []string{`"location_quorum":"must be at most`}},
		{name: "a patch of something else keeps them", method: "PATCH", path: "/api/v1/services/" + id, token: e.ada.Token,
			body: map[string]any{"description": "x"}, status: 200,
			contains: []string{`"locations":["eu-west","us-east","ap-south"]`, `"location_quorum":3`}},
		{name: "default_locations: unknown is 422", method: "PUT", path: "/api/v1/organization", token: e.ada.Token,
			body: map[string]any{"settings": map[string]any{"default_locations": []string{"nowhere"}}}, status: 422,
			contains: []string{`"settings.default_locations":"names locations this organization cannot use: \"nowhere\"`}},
		{name: "default_locations shown as the built-in one", method: "GET", path: "/api/v1/organization", token: e.ada.Token,
			status: 200, contains: []string{`"default_locations":["local"]`}},
		{name: "default_locations set", method: "PUT", path: "/api/v1/organization", token: e.ada.Token,
			body: map[string]any{"settings": map[string]any{"default_locations": []string{"eu-west", "us-east"}}}, status: 200,
			contains: []string{`"default_locations":["eu-west","us-east"]`}},
		{name: "a new service takes them", method: "POST", path: "/api/v1/services", token: e.ada.Token, body: svc(map[string]any{"name": "Two"}),
			status: 201, contains: []string{`"locations":["eu-west","us-east"]`, `"location_quorum":1`}},
	})
	rec := e.do("GET", "/api/v1/export?format=json", e.ada.Token, nil)
	if rec.Code != 200 {
		t.Fatalf("export: %d %s", rec.Code, rec.Body)
	}
	var doc struct {
		Services []struct {
			Name           string   `json:"name"`
			Locations      []string `json:"locations"`
			LocationQuorum int      `json:"location_quorum"`
		} `json:"services"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, s := range doc.Services {
		switch s.Name {
		case "Shop":
			found++
			if !slices.Equal(s.Locations, []string{"eu-west", "us-east", "ap-south"}) || s.LocationQuorum != 3 {
				t.Errorf("exported Shop: %+v", s)
			}
		case "Two":
			found++
			if !slices.Equal(s.Locations, []string{"eu-west", "us-east"}) || s.LocationQuorum != 0 {
				t.Errorf("exported Two: %+v", s)
			}
		}
	}
	if found != 2 {
		t.Fatalf("export lists %d of the 2 services: %s", found, rec.Body)
	}
	// The document imports back unchanged.
	raw := rec.Body.Bytes()
	imp := e.doConfig("POST", "/api/v1/import", e.ada.Token, "application/json", "", string(raw))
	if imp.Code != 200 {
		t.Fatalf("import: %d %s", imp.Code, imp.Body)
	}
	if res := decode[importResultView](t, imp); res.Unchanged < 2 {
		t.Errorf("import of the export changed services: %s", imp.Body)
	}
	s, err := e.db.Service(e.ada.OrgID, id)
	if err != nil || s.LocationQuorum != 3 || len(s.Locations) != 3 {
		t.Fatalf("after the import: %+v, %v", s, err)
	}
}
