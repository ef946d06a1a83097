package api

import (
	"net/url"
	"testing"

	"github.com/alertifypro/alertifypro/store"
)

// TestSCIMOktaSequence replays Okta's SCIM 2.0 test sequence (its "SCIM 2.0 Spec Test"
// and the requests its provisioning sends: look up by userName, create, get, re-create,
// deactivate with a replace without path, reactivate, PUT, and group push) and checks
// each answer as Okta reads it, and what it did to the organization.
func TestSCIMOktaSequence(t *testing.T) {
	s := newSCIMEnv(t)

	// Okta first checks the list and that an unknown user is not found by userName.
	body := s.want(s.scim("GET", "/Users?count=1&startIndex=1", ""), 200)
	s.resources(body, 0)
	body = s.want(s.scim("GET", "/Users?filter="+url.QueryEscape(`userName eq "nobody@acme.test"`), ""), 200)
	s.resources(body, 0)

	created := s.want(s.scim("POST", "/Users", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "Jane.Doe@acme.test",
		"name": {"givenName": "Jane", "familyName": "Doe"},
		"emails": [{"primary": true, "value": "jane.doe@acme.test", "type": "work"}],
		"displayName": "Jane Doe",
		"locale": "en-US",
		"externalId": "00u1okta",
		"groups": [],
		"password": "not-kept-1A!",
		"active": true}`), 201)
	id, _ := created["id"].(string)
	if id == "" || created["userName"] != "jane.doe@acme.test" || created["active"] != true {
		t.Fatalf("created user: %v", created)
	}
	if !s.isMember(id) {
		t.Fatal("the provisioned user is not a member of the organization")
	}
	u, err := s.db.User(id)
	if err != nil || u.PasswordHash != "" || u.FullName != "Jane Doe" {
		t.Fatalf("account: %+v %v (want no password)", u, err)
	}
	if m, _ := s.db.Membership(s.owner.OrgID, id); m.Role != roleMember {
		t.Fatalf("role %q, want member", m.Role)
	}
	// No password: a password sign-in is refused whatever is sent.
	for _, pw := range []string{"", "not-kept-1A!"} {
		if rec := s.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "jane.doe@acme.test", "password": pw}); rec.Code == 200 {
			t.Fatalf("a provisioned user signed in with password %q: %s", pw, rec.Body.String())
		}
	}

	got := s.want(s.scim("GET", "/Users/"+id, ""), 200)
	if got["id"] != id || got["externalId"] != "00u1okta" {
		t.Fatalf("get: %v", got)
	}
	// userName compares case-insensitively (RFC 7643 §4.1.1).
	list := s.resources(s.want(s.scim("GET", "/Users?filter="+url.QueryEscape(`userName eq "JANE.DOE@acme.test"`), ""), 200), 1)
	if list[0]["id"] != id {
		t.Fatalf("filter found %v", list[0])
	}
	// Creating the same user again is a conflict, as Okta's test expects.
	s.wantSCIMError(s.scim("POST", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jane.doe@acme.test","active":true}`), 409, "uniqueness")
	s.wantSCIMError(s.scim("GET", "/Users/010101010101010101010101", ""), 404, "")

	// A session of the user, then Okta deactivates: replace without path. The user also
	// belongs to another organization; ending the sessions ends that one's too (the token
	// version is the account's), not only the access to this organization.
	session := s.sessionOf(id)
	elsewhere := s.newUser("boss@partner.test", "Partner")
	if err := s.db.AddMember(elsewhere.OrgID, &store.Membership{UserID: id, Role: roleViewer}, nil); err != nil {
		t.Fatal(err)
	}
	partnerSession, err := s.deps.Tokens.Issue(id, elsewhere.OrgID, "jane.doe@acme.test", 0)
	if err != nil {
		t.Fatal(err)
	}
	if rec := s.do("GET", "/api/v1/organization", partnerSession, nil); rec.Code != 200 {
		t.Fatalf("session in the other organization before deactivation: %d", rec.Code)
	}
	if rec := s.do("GET", "/api/v1/profile", session, nil); rec.Code != 200 {
		t.Fatalf("session before deactivation: %d", rec.Code)
	}
	s.addToTeam(id)
	deact := s.want(s.scim("PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","value":{"active":false}}]}`), 200)
	if deact["active"] != false {
		t.Fatalf("after deactivation: %v", deact)
	}
	if s.isMember(id) {
		t.Fatal("a deactivated user is still a member")
	}
	if rec := s.do("GET", "/api/v1/profile", session, nil); rec.Code != 401 {
		t.Fatalf("the deactivated user's session still works: %d", rec.Code)
	}
	if rec := s.do("GET", "/api/v1/organization", partnerSession, nil); rec.Code != 401 {
		t.Fatalf("the deactivated user's session in another organization still works: %d", rec.Code)
	}
	if counts, _ := s.db.TeamMemberCounts(s.owner.OrgID); sum(counts) != 0 {
		t.Fatalf("team rows of a deactivated user remain: %v", counts)
	}
	if got := s.want(s.scim("GET", "/Users/"+id, ""), 200); got["active"] != false {
		t.Fatalf("GET after deactivation: %v", got)
	}

	// Reactivation and a PUT of the whole user, as Okta's profile push sends it.
	put := s.want(s.scim("PUT", "/Users/"+id, `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"id": "`+id+`",
		"userName": "jane.doe@acme.test",
		"name": {"givenName": "Janet", "familyName": "Doe"},
		"emails": [{"primary": true, "value": "jane.doe@acme.test", "type": "work"}],
		"displayName": "Janet Doe",
		"externalId": "00u1okta",
		"active": true}`), 200)
	if put["displayName"] != "Janet Doe" || put["active"] != true || put["name"].(map[string]any)["givenName"] != "Janet" {
		t.Fatalf("after PUT: %v", put)
	}
	if !s.isMember(id) {
		t.Fatal("reactivation did not restore the membership")
	}

	// Group push: create, rename (replace without path), add, remove by filter, delete.
	group := s.want(s.scim("POST", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],
		"displayName":"On-call","members":[]}`), 201)
	gid := group["id"].(string)
	if team, err := s.db.Team(s.owner.OrgID, gid); err != nil || team.Name != "On-call" {
		t.Fatalf("team behind the group: %+v %v", team, err)
	}
	s.want(s.scim("PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"replace","value":{"id":"`+gid+`","displayName":"On-call EU"}}]}`), 200)
	added := s.want(s.scim("PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"add","path":"members","value":[{"value":"`+id+`","display":"jane.doe@acme.test"}]}]}`), 200)
	if members := added["members"].([]any); len(members) != 1 || added["displayName"] != "On-call EU" {
		t.Fatalf("after add: %v", added)
	}
	if rows, _ := s.db.TeamMembers(s.owner.OrgID, gid); len(rows) != 1 || rows[0].UserID != id {
		t.Fatalf("team members: %+v", rows)
	}
	s.want(s.scim("PATCH", "/Groups/"+gid, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations":[{"op":"remove","path":"members[value eq \"`+id+`\"]"}]}`), 200)
	if rows, _ := s.db.TeamMembers(s.owner.OrgID, gid); len(rows) != 0 {
		t.Fatalf("team members after remove: %+v", rows)
	}
	s.want(s.scim("DELETE", "/Groups/"+gid, ""), 204)
	if _, err := s.db.Team(s.owner.OrgID, gid); err == nil {
		t.Fatal("the team outlived its group")
	}

	for event, want := range map[string]int{"scim.user_created": 1, "scim.user_deactivated": 1, "scim.user_updated": 1,
		"scim.group_created": 1, "scim.group_updated": 3, "scim.group_deleted": 1, "scim.token_created": 1} {
		if got := s.countAudit(event); got != want {
			t.Errorf("%s audited %d times, want %d", event, got, want)
		}
	}
	if err := s.db.Check(); err != nil {
		t.Fatal(err)
	}
}

// addToTeam puts userID in a new team of the SCIM organization.
func (s *scimEnv) addToTeam(userID string) {
	s.t.Helper()
	team := &store.Team{Name: "Ops " + userID}
	if err := s.db.CreateTeam(s.owner.OrgID, team, nil); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.db.AddTeamMember(s.owner.OrgID, team.ID, userID, nil); err != nil {
		s.t.Fatal(err)
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
