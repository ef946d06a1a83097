package api

import (
	"net/url"
	"testing"
)

// TestSCIMEntraSequence replays the requests Microsoft Entra ID's provisioning (and its
// SCIM validator) sends: lookups by userName and externalId, a create with externalId and
// the enterprise extension, PATCH with capitalised ops, replace with and without path,
// active as the string "False"/"True", then groups: create, add members, remove members,
// rename, delete; and a hard DELETE of the user.
func TestSCIMEntraSequence(t *testing.T) {
	s := newSCIMEnv(t)
	const patch = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":`

	s.resources(s.want(s.scim("GET", "/Users?filter="+url.QueryEscape(`userName eq "ryan@acme.test"`), ""), 200), 0)
	created := s.want(s.scim("POST", "/Users", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
		"userName": "Ryan@acme.test",
		"active": true,
		"addresses": [{"primary": true, "type": "work", "country": "NL"}],
		"displayName": "Ryan Leenay",
		"emails": [{"primary": true, "type": "work", "value": "Ryan@acme.test"}],
		"meta": {"resourceType": "User"},
		"name": {"formatted": "Ryan Leenay", "familyName": "Leenay", "givenName": "Ryan"},
		"phoneNumbers": [{"primary": true, "type": "work", "value": "123-456-7890"}],
		"roles": [],
		"title": "Engineer",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Ops", "manager": {"value": "x"}}
	}`), 201)
	id := created["id"].(string)
	ext := "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"
	byExt := s.resources(s.want(s.scim("GET", "/Users?filter="+url.QueryEscape(`externalId eq "`+ext+`"`), ""), 200), 1)
	if byExt[0]["id"] != id {
		t.Fatalf("externalId filter: %v", byExt[0])
	}
	// externalId is case-exact: another case is another user.
	s.resources(s.want(s.scim("GET", "/Users?filter="+url.QueryEscape(`externalId eq "0A21F0F2-8D2A-4F8E-BF98-7363C4AED4EF"`), ""), 200), 0)
	byMail := s.resources(s.want(s.scim("GET", "/Users?filter="+url.QueryEscape(`emails[type eq "work"].value eq "ryan@acme.test"`), ""), 200), 1)
	if byMail[0]["id"] != id {
		t.Fatalf("emails filter: %v", byMail[0])
	}

	// Replace with a path, and add with a path (Entra capitalises the op).
	got := s.want(s.scim("PATCH", "/Users/"+id, patch+`[
		{"op": "Replace", "path": "displayName", "value": "Ryan L."},
		{"op": "Add", "path": "name.givenName", "value": "Ry"},
		{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ryan@acme.test"},
		{"op": "Add", "path": "title", "value": "Lead"},
		{"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "SRE"}]}`), 200)
	if got["displayName"] != "Ryan L." || got["name"].(map[string]any)["givenName"] != "Ry" {
		t.Fatalf("after replace with path: %v", got)
	}
	// Replace without a path, keys as attribute paths.
	got = s.want(s.scim("PATCH", "/Users/"+id, patch+`[
		{"op": "replace", "value": {"displayName": "Ryan Leenay", "name.familyName": "Leenay-Smith", "externalId": "`+ext+`"}}]}`), 200)
	if got["displayName"] != "Ryan Leenay" || got["name"].(map[string]any)["familyName"] != "Leenay-Smith" {
		t.Fatalf("after replace without path: %v", got)
	}

	// Disable in Entra: active as the string "False"; enable again with "True".
	session := s.sessionOf(id)
	got = s.want(s.scim("PATCH", "/Users/"+id, patch+`[{"op": "Replace", "path": "active", "value": "False"}]}`), 200)
	if got["active"] != false || s.isMember(id) {
		t.Fatalf("after active \"False\": %v (member %v)", got, s.isMember(id))
	}
	if rec := s.do("GET", "/api/v1/profile", session, nil); rec.Code != 401 {
		t.Fatalf("session of a disabled user: %d", rec.Code)
	}
	got = s.want(s.scim("PATCH", "/Users/"+id, patch+`[{"op": "Replace", "path": "active", "value": "True"}]}`), 200)
	if got["active"] != true || !s.isMember(id) {
		t.Fatalf("after active \"True\": %v", got)
	}

	// A second user for the group.
	second := s.want(s.scim("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
		"externalId":"e2","userName":"kim@acme.test","active":true,"displayName":"Kim"}`), 201)["id"].(string)

	// Groups: create with externalId, look up with excludedAttributes=members, add, remove.
	group := s.want(s.scim("POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],
		"externalId":"8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159","displayName":"Group1DisplayName","members":[]}`), 201)
	gid := group["id"].(string)
	q := "/Groups?excludedAttributes=members&filter=" + url.QueryEscape(`displayName eq "Group1DisplayName"`)
	found := s.resources(s.want(s.scim("GET", q, ""), 200), 1)
	if found[0]["id"] != gid || found[0]["members"] != nil || found[0]["externalId"] == nil {
		t.Fatalf("group lookup: %v", found[0])
	}
	got = s.want(s.scim("PATCH", "/Groups/"+gid, patch+`[{"op":"Add","path":"members","value":[{"value":"`+id+`"},{"value":"`+second+`"}]}]}`), 200)
	if len(got["members"].([]any)) != 2 {
		t.Fatalf("after add members: %v", got)
	}
	got = s.want(s.scim("PATCH", "/Groups/"+gid, patch+`[{"op":"Remove","path":"members","value":[{"value":"`+id+`"}]}]}`), 200)
	if m := got["members"].([]any); len(m) != 1 || m[0].(map[string]any)["value"] != second {
		t.Fatalf("after remove member: %v", got)
	}
	if rows, _ := s.db.TeamMembers(s.owner.OrgID, gid); len(rows) != 1 || rows[0].UserID != second {
		t.Fatalf("team rows out of step: %+v", rows)
	}
	got = s.want(s.scim("PATCH", "/Groups/"+gid, patch+`[{"op":"Replace","path":"displayName","value":"SRE"}]}`), 200)
	if team, _ := s.db.Team(s.owner.OrgID, gid); team.Name != "SRE" || got["displayName"] != "SRE" {
		t.Fatalf("rename: team %+v, answer %v", team, got)
	}
	// A hard delete of a user takes them out of the team too.
	s.want(s.scim("DELETE", "/Users/"+second, ""), 204)
	s.wantSCIMError(s.scim("GET", "/Users/"+second, ""), 404, "")
	if rows, _ := s.db.TeamMembers(s.owner.OrgID, gid); len(rows) != 0 || s.isMember(second) {
		t.Fatalf("deleted user still in team %+v or organization", rows)
	}
	s.want(s.scim("DELETE", "/Groups/"+gid, ""), 204)
	s.wantSCIMError(s.scim("GET", "/Groups/"+gid, ""), 404, "")

	for event, want := range map[string]int{"scim.user_created": 2, "scim.user_deactivated": 2, "scim.user_updated": 3,
		"scim.group_created": 1, "scim.group_updated": 3, "scim.group_deleted": 1, "scim.request_failed": 2} {
		if got := s.countAudit(event); got != want {
			t.Errorf("%s audited %d times, want %d", event, got, want)
		}
	}
}
