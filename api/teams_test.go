package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestTeams(t *testing.T) {
	e, f := newOrgEnv(t)
	e.join(f.owner.OrgID, f.carol, roleResponder)
	const teams = "/api/v1/teams"
	name := func(n string) map[string]any { return map[string]any{"name": n} }

	var opsID string
	e.run([]scenario{
		{name: "admin creates", method: "POST", path: teams, token: f.adminTok,
			body: map[string]any{"name": "  Ops  ", "description": "Pager rotation"}, status: 201,
			contains:    []string{`"name":"Ops"`, `"description":"Pager rotation"`, `"member_count":0`, `"created_at":"2026-11-25T12:00:00Z"`},
			notContains: []string{"org_id"},
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				opsID = decode[map[string]any](t, rec)["id"].(string)
			}},
		{name: "duplicate name in another case", method: "POST", path: teams, token: f.adminTok, body: name("OPS"), status: 409},
		{name: "empty name", method: "POST", path: teams, token: f.adminTok, body: name("  "), status: 422, contains: []string{`"name":"is required"`}},
		{name: "missing name", method: "POST", path: teams, token: f.adminTok, body: map[string]any{"description": "x"}, status: 422},
		{name: "name too long", method: "POST", path: teams, token: f.adminTok, body: name(strings.Repeat("n", 201)), status: 422},
		{name: "unknown field", method: "POST", path: teams, token: f.adminTok, body: map[string]any{"name": "x", "lead": "y"}, status: 400},
		{name: "member cannot create", method: "POST", path: teams, token: f.memberTok, body: name("DBA"), status: 403},
		{name: "viewer cannot create", method: "POST", path: teams, token: f.viewerTok, body: name("DBA"), status: 403},
		{name: "other organization creates with ?org= of A", method: "POST", path: f.inA(teams), token: f.outsider.Token, body: name("DBA"), status: 404},
		{name: "the same name in another organization", method: "POST", path: teams, token: f.outsider.Token, body: name("Ops"), status: 201},
	})
	team := teams + "/" + opsID
	members := team + "/members"
	e.run([]scenario{
		{name: "viewer lists", method: "GET", path: teams, token: f.viewerTok, status: 200, contains: []string{`"id":"` + opsID + `"`}},
		{name: "other organization lists with ?org= of A", method: "GET", path: f.inA(teams), token: f.outsider.Token, status: 404},
		{name: "other organization lists its own", method: "GET", path: teams, token: f.outsider.Token, status: 200,
			notContains: []string{opsID}},
		{name: "viewer gets", method: "GET", path: team, token: f.viewerTok, status: 200, contains: []string{`"name":"Ops"`}},
		{name: "unknown team", method: "GET", path: teams + "/nope", token: f.viewerTok, status: 404},
		{name: "other organization's token on A's team", method: "GET", path: team, token: f.outsider.Token, status: 404},
		{name: "other organization gets with ?org= of A", method: "GET", path: f.inA(team), token: f.outsider.Token, status: 404},

		{name: "viewer cannot update", method: "PUT", path: team, token: f.viewerTok, body: name("Operations"), status: 403},
		{name: "other organization updates A's team", method: "PUT", path: team, token: f.outsider.Token, body: name("Operations"), status: 404},
		{name: "other organization updates with ?org= of A", method: "PUT", path: f.inA(team), token: f.outsider.Token, body: name("Operations"), status: 404},
		{name: "update to empty name", method: "PUT", path: team, token: f.adminTok, body: name(""), status: 422},
		{name: "admin renames, description kept", method: "PUT", path: team, token: f.adminTok, body: name("Operations"), status: 200,
			contains: []string{`"name":"Operations"`, `"description":"Pager rotation"`}},
		{name: "admin clears the description", method: "PUT", path: team, token: f.adminTok, body: map[string]any{"description": ""}, status: 200,
			contains: []string{`"name":"Operations"`, `"description":""`}},
		{name: "update unknown team", method: "PUT", path: teams + "/nope", token: f.adminTok, body: name("x"), status: 404},

		{name: "viewer cannot add members", method: "POST", path: members, token: f.viewerTok, body: map[string]any{"user_id": f.carol.ID}, status: 403},
		{name: "other organization adds to A's team", method: "POST", path: members, token: f.outsider.Token, body: map[string]any{"user_id": f.outsider.ID}, status: 404},
		{name: "other organization adds with ?org= of A", method: "POST", path: f.inA(members), token: f.outsider.Token, body: map[string]any{"user_id": f.outsider.ID}, status: 404},
		{name: "user outside the organization", method: "POST", path: members, token: f.adminTok, body: map[string]any{"user_id": f.outsider.ID}, status: 422,
			contains: []string{`"user_id":"is not a member of this organization"`}},
		{name: "unknown user", method: "POST", path: members, token: f.adminTok, body: map[string]any{"user_id": "nobody"}, status: 422},
		{name: "missing user_id", method: "POST", path: members, token: f.adminTok, body: map[string]any{}, status: 422},
		{name: "unknown team (add)", method: "POST", path: teams + "/nope/members", token: f.adminTok, body: map[string]any{"user_id": f.carol.ID}, status: 404},
		{name: "admin adds carol", method: "POST", path: members, token: f.adminTok, body: map[string]any{"user_id": f.carol.ID}, status: 201,
			contains: []string{`"user_id":"` + f.carol.ID + `"`, `"email":"carol@example.com"`, `"full_name":"Carol Existing"`, `"role":"responder"`, `"added_at":"2026-11-25T12:00:00Z"`}},
		{name: "adding twice", method: "POST", path: members, token: f.adminTok, body: map[string]any{"user_id": f.carol.ID}, status: 409},
		{name: "admin adds the viewer", method: "POST", path: members, token: f.owner.Token, body: map[string]any{"user_id": f.viewer.ID}, status: 201},

		{name: "viewer lists team members", method: "GET", path: members, token: f.viewerTok, status: 200,
			contains: []string{`"email":"carol@example.com"`, `"email":"viewer@example.com"`}, notContains: []string{"password"}},
		{name: "other organization lists A's team members", method: "GET", path: members, token: f.outsider.Token, status: 404},
		{name: "other organization lists with ?org= of A", method: "GET", path: f.inA(members), token: f.outsider.Token, status: 404},
		{name: "count in the team view", method: "GET", path: team, token: f.viewerTok, status: 200, contains: []string{`"member_count":2`}},
		{name: "count in the list", method: "GET", path: teams, token: f.viewerTok, status: 200, contains: []string{`"member_count":2`}},

		{name: "viewer cannot remove a member", method: "DELETE", path: members + "/" + f.carol.ID, token: f.viewerTok, status: 403},
		{name: "other organization removes from A's team", method: "DELETE", path: members + "/" + f.carol.ID, token: f.outsider.Token, status: 404},
		{name: "other organization removes with ?org= of A", method: "DELETE", path: f.inA(members + "/" + f.carol.ID), token: f.outsider.Token, status: 404},
		{name: "admin removes carol", method: "DELETE", path: members + "/" + f.carol.ID, token: f.adminTok, status: 204},
		{name: "carol is not in the team any more", method: "DELETE", path: members + "/" + f.carol.ID, token: f.adminTok, status: 404},
	})
	e.run(f.deleteRows(team, f.adminTok))
	e.run([]scenario{{name: "its members are gone too", method: "GET", path: members, token: f.viewerTok, status: 404}})
	if counts, err := e.db.TeamMemberCounts(f.owner.OrgID); err != nil || len(counts) != 0 {
		t.Fatalf("team rows left after delete: %v, %v", counts, err)
	}
	wantAudit(t, e, f.owner.OrgID, "team.created", "team.updated", "team.member_added", "team.member_removed", "team.deleted")
}

// TestLeavingTheOrganizationLeavesTeams checks the API path of the store's
// cleanup: a removed member disappears from every team.
func TestLeavingTheOrganizationLeavesTeams(t *testing.T) {
	e, f := newOrgEnv(t)
	rec := e.do("POST", "/api/v1/teams", f.adminTok, map[string]any{"name": "Ops"})
	id := decode[map[string]any](t, rec)["id"].(string)
	if rec := e.do("POST", "/api/v1/teams/"+id+"/members", f.adminTok, map[string]any{"user_id": f.member.ID}); rec.Code != http.StatusCreated {
		t.Fatalf("add: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do("DELETE", "/api/v1/members/"+f.member.ID, f.adminTok, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("remove member: %d %s", rec.Code, rec.Body.String())
	}
	rec = e.do("GET", "/api/v1/teams/"+id+"/members", f.adminTok, nil)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), f.member.ID) {
		t.Fatalf("team members after the member left: %d %s", rec.Code, rec.Body.String())
	}
}
