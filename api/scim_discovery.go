package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// The discovery endpoints (RFC 7644 §4) tell an identity provider what this server
// supports: PATCH yes, bulk, sort, ETags and password change no, filters with a result cap.

// serviceProviderConfig answers GET /ServiceProviderConfig.
func (h *scimHandlers) serviceProviderConfig(c *gin.Context, org *store.Organization) error {
	writeSCIM(c, http.StatusOK, gin.H{
		"schemas":          []string{"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"},
		"documentationUri": h.cfg.BaseURL + "/docs/security/sso-saml",
		"patch":            gin.H{"supported": true},
		"bulk":             gin.H{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           gin.H{"supported": true, "maxResults": scimMaxCount},
		"changePassword":   gin.H{"supported": false},
		"sort":             gin.H{"supported": false},
		"etag":             gin.H{"supported": false},
		"authenticationSchemes": []gin.H{{"type": "oauthbearertoken", "name": "Bearer token",
			"description": "An organization SCIM token, created under Organization settings → SCIM provisioning.",
			"primary":     true}},
		"meta": gin.H{"resourceType": "ServiceProviderConfig", "location": h.scimBaseURL(org) + "/ServiceProviderConfig"},
	})
	return nil
}

// resourceTypes answers GET /ResourceTypes.
func (h *scimHandlers) resourceTypes(c *gin.Context, org *store.Organization) error {
	base := h.scimBaseURL(org)
	types := []gin.H{
		{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}, "id": "User", "name": "User",
			"endpoint": "/Users", "schema": scimUserSchema, "description": "A member of the organization",
			"meta": gin.H{"resourceType": "ResourceType", "location": base + "/ResourceTypes/User"}},
		{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:ResourceType"}, "id": "Group", "name": "Group",
			"endpoint": "/Groups", "schema": scimGroupSchema, "description": "A team of the organization",
			"meta": gin.H{"resourceType": "ResourceType", "location": base + "/ResourceTypes/Group"}},
	}
	writeSCIM(c, http.StatusOK, gin.H{"schemas": []string{scimListSchema}, "totalResults": len(types),
		"startIndex": 1, "itemsPerPage": len(types), "Resources": types})
	return nil
}

// schemas answers GET /Schemas: the attributes this server keeps.
func (h *scimHandlers) schemas(c *gin.Context, org *store.Organization) error {
	base := h.scimBaseURL(org)
	attr := func(name, typ string, required, caseExact bool, uniqueness string) gin.H {
		return gin.H{"name": name, "type": typ, "multiValued": false, "required": required, "caseExact": caseExact,
			"mutability": "readWrite", "returned": "default", "uniqueness": uniqueness}
	}
	user := gin.H{"id": scimUserSchema, "name": "User", "description": "User account",
		"attributes": []gin.H{
			attr("userName", "string", true, false, "server"),
			attr("externalId", "string", false, true, "none"),
			attr("displayName", "string", false, false, "none"),
			{"name": "name", "type": "complex", "multiValued": false, "required": false, "mutability": "readWrite",
				"returned": "default", "subAttributes": []gin.H{
					attr("givenName", "string", false, false, "none"), attr("familyName", "string", false, false, "none"),
					attr("formatted", "string", false, false, "none")}},
			{"name": "emails", "type": "complex", "multiValued": true, "required": false, "mutability": "readWrite",
				"returned": "default", "subAttributes": []gin.H{attr("value", "string", false, false, "none"),
					attr("type", "string", false, false, "none"), attr("primary", "boolean", false, false, "none")}},
			attr("active", "boolean", false, false, "none"),
		},
		"meta": gin.H{"resourceType": "Schema", "location": base + "/Schemas/" + scimUserSchema}}
	group := gin.H{"id": scimGroupSchema, "name": "Group", "description": "Team",
		"attributes": []gin.H{
			attr("displayName", "string", true, false, "server"),
			attr("externalId", "string", false, true, "none"),
			{"name": "members", "type": "complex", "multiValued": true, "required": false, "mutability": "readWrite",
				"returned": "default", "subAttributes": []gin.H{attr("value", "string", false, true, "none"),
					attr("display", "string", false, false, "none")}},
		},
		"meta": gin.H{"resourceType": "Schema", "location": base + "/Schemas/" + scimGroupSchema}}
	list := []gin.H{user, group}
	writeSCIM(c, http.StatusOK, gin.H{"schemas": []string{scimListSchema}, "totalResults": len(list),
		"startIndex": 1, "itemsPerPage": len(list), "Resources": list})
	return nil
}
