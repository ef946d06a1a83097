package api

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// Organization roles, lowest to highest (SPEC §2.1).
const (
	roleViewer    = "viewer"
	roleResponder = "responder"
	roleMember    = "member"
	roleAdmin     = "admin"
	roleOwner     = "owner"
)

var roleRank = map[string]int{roleViewer: 0, roleResponder: 1, roleMember: 2, roleAdmin: 3, roleOwner: 4}

// normalizeRole lower-cases a role and maps the documented alias "editor"
// to "member"; ok is false for any other unknown string.
func normalizeRole(s string) (string, bool) {
	r := strings.ToLower(strings.TrimSpace(s))
	if r == "editor" {
		r = roleMember
	}
	_, ok := roleRank[r]
	return r, ok
}

// roleAtLeast reports whether role holds at least the rank of min.
func roleAtLeast(role, min string) bool {
	return roleRank[role] >= roleRank[min]
}

// permission is one row of the SPEC §2.1 matrix.
type permission int

const (
	permRead    permission = iota // read everything in the organization
	permRespond                   // acknowledge/resolve alerts, incident updates
	permWrite                     // create/edit/delete monitoring resources
	permOwnKeys                   // manage one's own API keys
	permAdmin                     // members, teams, all keys, audit log, settings
	permOwner                     // delete the organization, ownership, plan
)

// minRole is the lowest role that holds the permission.
var minRole = map[permission]string{
	permRead:    roleViewer,
	permRespond: roleResponder,
	permWrite:   roleMember,
	permOwnKeys: roleMember,
	permAdmin:   roleAdmin,
	permOwner:   roleOwner,
}

// allowed reports whether role holds p.
func allowed(role string, p permission) bool {
	return roleAtLeast(role, minRole[p])
}

// require is the route-level permission check: it runs after authenticate
// and refuses with 403 when the caller's role in the active organization
// lacks p.
func require(p permission) gin.HandlerFunc {
	return func(c *gin.Context) {
		a := actorOf(c)
		if a.org == nil {
			writeError(c, errNotFound("Organization"))
			return
		}
		if !allowed(a.role, p) {
			writeError(c, errForbidden("Your role ("+a.role+") does not allow this; it needs "+minRole[p]+" or higher."))
			return
		}
		c.Next()
	}
}
