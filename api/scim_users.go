package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// scimProvisionRole is the role a provisioned user gets in the organization. Role
// mapping from groups belongs to single sign-on; SCIM keeps to the default (SPEC §3.4).
const scimProvisionRole = roleMember

// scimUser is a user's SCIM representation (RFC 7643 §4.1). Filters are evaluated on it,
// so it is built as a generic object.
func (h *scimHandlers) scimUser(org *store.Organization, a *store.SCIMAccount) map[string]any {
	r := map[string]any{
		"schemas":     []string{scimUserSchema},
		"id":          a.User.ID,
		"userName":    a.User.Email,
		"displayName": a.User.FullName,
		"name": map[string]any{"givenName": a.SCIM.GivenName, "familyName": a.SCIM.FamilyName,
			"formatted": a.User.FullName},
		"emails": []any{map[string]any{"value": a.User.Email, "type": "work", "primary": true}},
		"active": a.SCIM.Active,
		"meta":   scimMeta("User", h.scimBaseURL(org)+"/Users/"+a.User.ID, a.SCIM.CreatedAt, a.SCIM.UpdatedAt),
	}
	if a.SCIM.ExternalID != "" {
		r["externalId"] = a.SCIM.ExternalID
	}
	return r
}

// listUsers answers GET /Users with filter and pagination.
func (h *scimHandlers) listUsers(c *gin.Context, org *store.Organization) error {
	q, err := readListQuery(c)
	if err != nil {
		return err
	}
	list, err := h.store.SCIMUsers(org.ID)
	if err != nil {
		return err
	}
	writeList(c, q, list, func(a *store.SCIMAccount) map[string]any { return h.scimUser(org, a) })
	return nil
}

// getUser answers GET /Users/{id}.
func (h *scimHandlers) getUser(c *gin.Context, org *store.Organization) error {
	a, err := h.store.SCIMUser(org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	writeSCIM(c, http.StatusOK, h.scimUser(org, a))
	return nil
}

// createUser answers POST /Users: a new account without password, a member of this
// organization only (201), or 409 uniqueness.
func (h *scimHandlers) createUser(c *gin.Context, org *store.Organization) error {
	obj, err := readSCIMObject(c)
	if err != nil {
		return err
	}
	d := scimUserDraft{active: true}
	if err := d.setFromObject(obj); err != nil {
		return err
	}
	var a store.SCIMAccount
	if err := d.finish(&a); err != nil {
		return err
	}
	entry := h.scimAudit(c, "scim.user_created", store.AuditResource{Type: "user", Name: a.User.Email},
		map[string]any{"external_id": a.SCIM.ExternalID, "active": a.SCIM.Active})
	if err := h.store.ProvisionSCIMUser(org.ID, &a, scimProvisionRole, audited(entry)); err != nil {
		return err
	}
	r := h.scimUser(org, &a)
	c.Header("Location", h.scimBaseURL(org)+"/Users/"+a.User.ID)
	writeSCIM(c, http.StatusCreated, r)
	return nil
}

// replaceUser answers PUT /Users/{id}: the body is the whole new representation.
func (h *scimHandlers) replaceUser(c *gin.Context, org *store.Organization) error {
	obj, err := readSCIMObject(c)
	if err != nil {
		return err
	}
	return h.updateUser(c, org, func(d *scimUserDraft) error {
		*d = scimUserDraft{active: true}
		return d.setFromObject(obj)
	})
}

// patchUser answers PATCH /Users/{id} in the forms Okta and Microsoft Entra ID send:
// replace with or without path, active as a boolean or "True"/"False", add, remove.
func (h *scimHandlers) patchUser(c *gin.Context, org *store.Organization) error {
	ops, err := readPatch(c)
	if err != nil {
		return err
	}
	return h.updateUser(c, org, func(d *scimUserDraft) error {
		for _, op := range ops {
			var err error
			switch {
			case op.rawPath == "":
				err = d.setFromObject(op.value.(map[string]any))
			case op.op == "remove":
				err = d.remove(op.path)
			default:
				err = d.set(op.path, op.value)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// updateUser changes a SCIM user through edit, in one transaction with its audit entry:
// scim.user_deactivated when it goes inactive, scim.user_updated otherwise.
func (h *scimHandlers) updateUser(c *gin.Context, org *store.Organization, edit func(*scimUserDraft) error) error {
	change := &store.Change{}
	a, err := h.store.UpdateSCIMUser(org.ID, c.Param("id"), scimProvisionRole, func(a *store.SCIMAccount) error {
		wasActive := a.SCIM.Active
		d := draftOf(a)
		if err := edit(&d); err != nil {
			return err
		}
		if err := d.finish(a); err != nil {
			return err
		}
		event := "scim.user_updated"
		if wasActive && !a.SCIM.Active {
			event = "scim.user_deactivated"
		}
		change.Audit = append(change.Audit, h.scimAudit(c, event, userResource(&a.User),
			map[string]any{"external_id": a.SCIM.ExternalID, "active": a.SCIM.Active}))
		return nil
	}, change)
	if err != nil {
		return err
	}
	writeSCIM(c, http.StatusOK, h.scimUser(org, a))
	return nil
}

// deleteUser answers DELETE /Users/{id} (204): the membership goes and the sessions end.
func (h *scimHandlers) deleteUser(c *gin.Context, org *store.Organization) error {
	change := &store.Change{}
	a, err := h.store.SCIMUser(org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	change.Audit = append(change.Audit, h.scimAudit(c, "scim.user_deactivated", userResource(&a.User),
		map[string]any{"deleted": true}))
	if _, err := h.store.DeleteSCIMUser(org.ID, a.User.ID, change); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
