package api

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestSCIMRefusesBadInput sends what a broken or hostile client sends: another
// organization's token, malformed PATCH bodies, bad filters, unknown IDs. Each gets its
// SCIM error, nothing is provisioned or changed, and each refusal is audited.
func TestSCIMRefusesBadInput(t *testing.T) {
	s := newSCIMEnv(t)
	const patch = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":`
	id := s.want(s.scim("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName":"ada@acme.test","displayName":"Ada","active":true}`), 201)["id"].(string)
	before := s.scim("GET", "/Users/"+id, "").Body.String()

	// Another organization's token, an unknown token, no token, an unknown organization:
	// one and the same 401 body.
	other := s.newUser("eve@evil.test", "Eve")
	rec := s.do("POST", "/api/v1/organization/scim-tokens", other.Token, map[string]any{"name": "Eve's IdP"})
	evilToken := decode[map[string]any](t, rec)["token"].(string)
	unknown := s.scimWith("scim_unknown", "GET", "/Users", "")
	s.wantSCIMError(unknown, 401, "")
	refused := map[string]*httptest.ResponseRecorder{
		"other organization's token":       s.scimWith(evilToken, "GET", "/Users", ""),
		"no token":                         s.scimWith("", "GET", "/Users", ""),
		"unknown organization":             s.scimWith(s.token, "GET", "/scim/v2/no-such-org/Users", ""),
		"other organization's token, POST": s.scimWith(evilToken, "POST", "/Users", `{"userName":"mallory@evil.test"}`),
	}
	for name, rec := range refused {
		s.wantSCIMError(rec, 401, "")
		if rec.Body.String() != unknown.Body.String() {
			t.Errorf("%s: body %s differs from an unknown token's %s", name, rec.Body.String(), unknown.Body.String())
		}
	}
	if _, err := s.db.UserByEmail("mallory@evil.test"); err == nil {
		t.Fatal("another organization's token provisioned a user")
	}

	cases := []struct {
		name, method, path, body string
		status                   int
		scimType                 string
	}{
		{"unknown op", "PATCH", "/Users/" + id, patch + `[{"op":"move","path":"displayName","value":"X"}]}`, 400, "invalidSyntax"},
		{"op not a string", "PATCH", "/Users/" + id, patch + `[{"op":5,"path":"displayName","value":"X"}]}`, 400, "invalidSyntax"},
		{"no PatchOp schema", "PATCH", "/Users/" + id, `{"Operations":[{"op":"replace","path":"displayName","value":"X"}]}`, 400, "invalidSyntax"},
		{"no operations", "PATCH", "/Users/" + id, patch + `[]}`, 400, "invalidSyntax"},
		{"unclosed path filter", "PATCH", "/Users/" + id, patch + `[{"op":"replace","path":"emails[type eq \"work\"","value":"x"}]}`, 400, "invalidPath"},
		{"unknown attribute", "PATCH", "/Users/" + id, patch + `[{"op":"replace","path":"shoeSize","value":"44"}]}`, 400, "invalidPath"},
		{"path with a bad character", "PATCH", "/Users/" + id, patch + `[{"op":"replace","path":"display;Name","value":"X"}]}`, 400, "invalidPath"},
		{"active of the wrong type", "PATCH", "/Users/" + id, patch + `[{"op":"replace","path":"active","value":5}]}`, 400, "invalidValue"},
		{"active a wrong string", "PATCH", "/Users/" + id, patch + `[{"op":"replace","path":"active","value":"nope"}]}`, 400, "invalidValue"},
		{"userName a number", "PATCH", "/Users/" + id, patch + `[{"op":"replace","value":{"userName":42}}]}`, 400, "invalidValue"},
		{"userName not an address", "PATCH", "/Users/" + id, patch + `[{"op":"replace","path":"userName","value":"not-mail"}]}`, 400, "invalidValue"},
		{"remove without path", "PATCH", "/Users/" + id, patch + `[{"op":"remove"}]}`, 400, "noTarget"},
		{"read-only id", "PATCH", "/Users/" + id, patch + `[{"op":"replace","path":"id","value":"x"}]}`, 400, "mutability"},
		// A valid first operation must not be applied when a later one fails.
		{"good op then bad op", "PATCH", "/Users/" + id, patch + `[{"op":"replace","path":"active","value":false},{"op":"replace","path":"active","value":[]}]}`, 400, "invalidValue"},
		{"body not JSON", "PATCH", "/Users/" + id, `{"schemas":`, 400, "invalidSyntax"},
		{"PATCH unknown user", "PATCH", "/Users/nope", patch + `[{"op":"replace","path":"active","value":false}]}`, 404, ""},
		{"PUT unknown user", "PUT", "/Users/nope", `{"userName":"x@acme.test"}`, 404, ""},
		{"DELETE unknown user", "DELETE", "/Users/nope", "", 404, ""},
		{"GET unknown group", "GET", "/Groups/nope", "", 404, ""},
		{"create without userName", "POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"active":true}`, 400, "invalidValue"},
		{"create with a bad active", "POST", "/Users", `{"userName":"new@acme.test","active":{"x":1}}`, 400, "invalidValue"},
		{"group member who is not a member", "POST", "/Groups", `{"displayName":"G","members":[{"value":"nobody"}]}`, 400, "invalidValue"},
		{"group members of the wrong shape", "POST", "/Groups", `{"displayName":"G","members":["x"]}`, 400, "invalidValue"},
		{"bad filter operator", "GET", "/Users?filter=" + url.QueryEscape(`userName zz "a"`), "", 400, "invalidFilter"},
		{"filter without value", "GET", "/Users?filter=" + url.QueryEscape(`userName eq`), "", 400, "invalidFilter"},
		{"filter with an unclosed string", "GET", "/Users?filter=" + url.QueryEscape(`userName eq "a`), "", 400, "invalidFilter"},
		{"filter with an unquoted string", "GET", "/Users?filter=" + url.QueryEscape(`userName eq ada`), "", 400, "invalidFilter"},
		{"filter with an unclosed parenthesis", "GET", "/Users?filter=" + url.QueryEscape(`(userName eq "a"`), "", 400, "invalidFilter"},
		{"filter nested too deep", "GET", "/Users?filter=" + url.QueryEscape(strings.Repeat("(", 40)+`userName eq "a"`+strings.Repeat(")", 40)), "", 400, "invalidFilter"},
		{"filter too long", "GET", "/Users?filter=" + url.QueryEscape(`userName eq "`+strings.Repeat("a", 1100)+`"`), "", 400, "invalidFilter"},
		{"count not a number", "GET", "/Users?count=ten", "", 400, "invalidValue"},
	}
	failedBefore := s.countAudit("scim.request_failed")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s.wantSCIMError(s.scim(c.method, c.path, c.body), c.status, c.scimType)
		})
	}
	if got := s.countAudit("scim.request_failed") - failedBefore; got != len(cases) {
		t.Errorf("%d refusals audited, want %d", got, len(cases))
	}
	s.wantSCIMError(s.scim("GET", "/Gadgets", ""), 404, "") // an unknown SCIM path: SCIM 404, not the UI
	if after := s.scim("GET", "/Users/"+id, "").Body.String(); after != before {
		t.Errorf("a refused request changed the user:\nbefore %s\nafter  %s", before, after)
	}
	if !s.isMember(id) {
		t.Error("a refused PATCH deactivated the user")
	}
	if users, _ := s.db.SCIMUsers(s.owner.OrgID); len(users) != 1 {
		t.Errorf("%d SCIM users, want 1: a refused request provisioned someone", len(users))
	}
	if teams, _ := s.db.Teams(s.owner.OrgID); len(teams) != 0 {
		t.Errorf("a refused group create left teams: %+v", teams)
	}
	if got := s.countAudit("scim.user_updated") + s.countAudit("scim.user_deactivated"); got != 0 {
		t.Errorf("refused requests audited as changes: %d", got)
	}
}

// TestSCIMBounds checks the caps: a body over the API's limit, list pages of at most 200,
// pagination by startIndex and count, and an organization's last owner, who SCIM cannot
// deactivate.
func TestSCIMBounds(t *testing.T) {
	s := newSCIMEnv(t)
	big := `{"userName":"big@acme.test","displayName":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	s.wantSCIMError(s.scim("POST", "/Users", big), 413, "")
	if _, err := s.db.UserByEmail("big@acme.test"); err == nil {
		t.Fatal("an oversized body provisioned a user")
	}

	for i := range 205 {
		s.want(s.scim("POST", "/Users", fmt.Sprintf(`{"userName":"u%03d@acme.test","active":true}`, i)), 201)
	}
	page := s.want(s.scim("GET", "/Users?count=1000", ""), 200)
	if list := s.resources(page, 205); len(list) != scimMaxCount || page["itemsPerPage"].(float64) != scimMaxCount {
		t.Fatalf("count=1000 gave %d resources, want the cap %d", len(list), scimMaxCount)
	}
	page = s.want(s.scim("GET", "/Users?startIndex=201&count=10", ""), 200)
	list := s.resources(page, 205)
	if len(list) != 5 || list[0]["userName"] != "u200@acme.test" || page["startIndex"].(float64) != 201 {
		t.Fatalf("last page: %d resources, first %v", len(list), list[0]["userName"])
	}
	s.resources(s.want(s.scim("GET", "/Users?startIndex=500", ""), 200), 205)
	prefix := s.resources(s.want(s.scim("GET", "/Users?count=0&filter="+url.QueryEscape(`userName sw "u10" or userName eq "u000@acme.test"`), ""), 200), 11)
	if len(prefix) != 0 {
		t.Fatalf("count=0 answered %d resources", len(prefix))
	}

	// The owner's account exists and is a member: SCIM adopts it, but cannot deactivate
	// the last owner.
	owner := s.want(s.scim("POST", "/Users", `{"userName":"owner@acme.test","active":true}`), 201)["id"].(string)
	if owner != s.owner.ID {
		t.Fatalf("adopted %s, want the owner %s", owner, s.owner.ID)
	}
	s.wantSCIMError(s.scim("PATCH", "/Users/"+owner, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","path":"active","value":false}]}`), 409, "mutability")
	if rec := s.do("GET", "/api/v1/profile", s.owner.Token, nil); rec.Code != 200 || !s.isMember(owner) {
		t.Fatalf("the refused deactivation signed the owner out (%d) or removed them", rec.Code)
	}
	// An adopted account keeps its own address: the IdP of one organization does not
	// rename an account it did not create.
	s.want(s.scim("PATCH", "/Users/"+owner, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","path":"userName","value":"takeover@evil.test"}]}`), 200)
	if u, _ := s.db.User(owner); u.Email != "owner@acme.test" {
		t.Fatalf("SCIM changed an adopted account's address to %s", u.Email)
	}
	// An account that exists but is not a member is not pulled in.
	s.newUser("outsider@other.test", "Outsider")
	s.wantSCIMError(s.scim("POST", "/Users", `{"userName":"outsider@other.test","active":true}`), 409, "uniqueness")
}
