package api

import "github.com/gin-gonic/gin"

// registerSCIM adds the SCIM token endpoints (admins, under the authenticated API group
// in) and the SCIM 2.0 service (RFC 7644) at /scim/v2/{org_slug}/, which authenticates
// with an organization's SCIM token and answers SCIM bodies, not the API's (SPEC §10).
func registerSCIM(r *gin.Engine, in *gin.RouterGroup, b *base) {
	tokens := &scimTokenHandlers{base: b}
	in.GET("/organization/scim-tokens", require(permAdmin), h(tokens.list))
	in.POST("/organization/scim-tokens", require(permAdmin), h(tokens.create))
	in.DELETE("/organization/scim-tokens/:id", require(permAdmin), h(tokens.revoke))

	s := &scimHandlers{base: b, limits: newRateLimiter(b.now)}
	g := r.Group("/scim/v2/:org_slug", s.authenticate())
	g.GET("/ServiceProviderConfig", s.scim(s.serviceProviderConfig))
	g.GET("/ResourceTypes", s.scim(s.resourceTypes))
	g.GET("/Schemas", s.scim(s.schemas))
	g.GET("/Users", s.scim(s.listUsers))
	g.POST("/Users", s.scim(s.createUser))
	g.GET("/Users/:id", s.scim(s.getUser))
	g.PUT("/Users/:id", s.scim(s.replaceUser))
	g.PATCH("/Users/:id", s.scim(s.patchUser))
	g.DELETE("/Users/:id", s.scim(s.deleteUser))
	g.GET("/Groups", s.scim(s.listGroups))
	g.POST("/Groups", s.scim(s.createGroup))
	g.GET("/Groups/:id", s.scim(s.getGroup))
	g.PUT("/Groups/:id", s.scim(s.replaceGroup))
	g.PATCH("/Groups/:id", s.scim(s.patchGroup))
	g.DELETE("/Groups/:id", s.scim(s.deleteGroup))
}
