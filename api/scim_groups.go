package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// scimGroup is a team's SCIM representation (RFC 7643 §4.2).
func (h *scimHandlers) scimGroup(org *store.Organization, g *store.SCIMGroup, names map[string]string) map[string]any {
	members := make([]any, 0, len(g.Members))
	for _, id := range g.Members {
		m := map[string]any{"value": id, "$ref": h.scimBaseURL(org) + "/Users/" + id, "type": "User"}
		if n, ok := names[id]; ok {
			m["display"] = n
		}
		members = append(members, m)
	}
	r := map[string]any{
		"schemas":     []string{scimGroupSchema},
		"id":          g.Team.ID,
		"displayName": g.Team.Name,
		"members":     members,
		"meta":        scimMeta("Group", h.scimBaseURL(org)+"/Groups/"+g.Team.ID, g.Team.CreatedAt, g.Team.UpdatedAt),
	}
	if g.ExternalID != "" {
		r["externalId"] = g.ExternalID
	}
	return r
}

// memberNames maps the organization's SCIM users' IDs to their display names.
func (h *scimHandlers) memberNames(org *store.Organization) (map[string]string, error) {
	users, err := h.store.SCIMUsers(org.ID)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.User.ID] = u.User.FullName
	}
	return names, nil
}

// listGroups answers GET /Groups with filter and pagination.
func (h *scimHandlers) listGroups(c *gin.Context, org *store.Organization) error {
	q, err := readListQuery(c)
	if err != nil {
		return err
	}
	groups, err := h.store.SCIMGroups(org.ID)
	if err != nil {
		return err
	}
	names, err := h.memberNames(org)
	if err != nil {
		return err
	}
	writeList(c, q, groups, func(g *store.SCIMGroup) map[string]any { return h.scimGroup(org, g, names) })
	return nil
}

// getGroup answers GET /Groups/{id}; excludedAttributes=members is honoured, as Entra asks.
func (h *scimHandlers) getGroup(c *gin.Context, org *store.Organization) error {
	g, err := h.store.SCIMGroupOf(org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	return h.writeGroup(c, org, http.StatusOK, g)
}

// writeGroup answers one group with status.
func (h *scimHandlers) writeGroup(c *gin.Context, org *store.Organization, status int, g *store.SCIMGroup) error {
	names, err := h.memberNames(org)
	if err != nil {
		return err
	}
	q := scimListQuery{attributes: splitAttrs(c.Query("attributes")), excluded: splitAttrs(c.Query("excludedAttributes"))}
	writeSCIM(c, status, q.project(h.scimGroup(org, g, names)))
	return nil
}

// createGroup answers POST /Groups: a new team with its members (201).
func (h *scimHandlers) createGroup(c *gin.Context, org *store.Organization) error {
	obj, err := readSCIMObject(c)
	if err != nil {
		return err
	}
	g := store.SCIMGroup{Team: store.Team{ID: store.NewID()}}
	if err := applyGroupObject(&g, obj, true); err != nil {
		return err
	}
	if err := checkGroup(&g); err != nil {
		return err
	}
	entry := h.scimAudit(c, "scim.group_created", store.AuditResource{Type: "team", ID: g.Team.ID, Name: g.Team.Name},
		map[string]any{"external_id": g.ExternalID, "members": len(g.Members)})
	if err := h.store.CreateSCIMGroup(org.ID, &g, audited(entry)); err != nil {
		return memberError(err)
	}
	c.Header("Location", h.scimBaseURL(org)+"/Groups/"+g.Team.ID)
	return h.writeGroup(c, org, http.StatusCreated, &g)
}

// replaceGroup answers PUT /Groups/{id}: name, externalId and members as given.
func (h *scimHandlers) replaceGroup(c *gin.Context, org *store.Organization) error {
	obj, err := readSCIMObject(c)
	if err != nil {
		return err
	}
	return h.updateGroup(c, org, func(g *store.SCIMGroup) error {
		g.ExternalID, g.Members = "", nil
		return applyGroupObject(g, obj, true)
	})
}

// patchGroup answers PATCH /Groups/{id}: members added, removed (by value filter or by
// list) or replaced; displayName and externalId replaced, with or without path.
func (h *scimHandlers) patchGroup(c *gin.Context, org *store.Organization) error {
	ops, err := readPatch(c)
	if err != nil {
		return err
	}
	return h.updateGroup(c, org, func(g *store.SCIMGroup) error {
		for _, op := range ops {
			if err := applyGroupOp(g, op); err != nil {
				return err
			}
		}
		return nil
	})
}

// updateGroup changes a group through edit in one transaction with scim.group_updated.
func (h *scimHandlers) updateGroup(c *gin.Context, org *store.Organization, edit func(*store.SCIMGroup) error) error {
	change := &store.Change{}
	g, err := h.store.UpdateSCIMGroup(org.ID, c.Param("id"), func(g *store.SCIMGroup) error {
		before := len(g.Members)
		if err := edit(g); err != nil {
			return err
		}
		if err := checkGroup(g); err != nil {
			return err
		}
		change.Audit = append(change.Audit, h.scimAudit(c, "scim.group_updated",
			store.AuditResource{Type: "team", ID: g.Team.ID, Name: g.Team.Name},
			map[string]any{"external_id": g.ExternalID, "members_before": before, "members": len(dedupe(g.Members))}))
		return nil
	}, change)
	if err != nil {
		return memberError(err)
	}
	return h.writeGroup(c, org, http.StatusOK, g)
}

// deleteGroup answers DELETE /Groups/{id} (204): the team and its member rows go.
func (h *scimHandlers) deleteGroup(c *gin.Context, org *store.Organization) error {
	g, err := h.store.SCIMGroupOf(org.ID, c.Param("id"))
	if err != nil {
		return err
	}
	entry := h.scimAudit(c, "scim.group_deleted", store.AuditResource{Type: "team", ID: g.Team.ID, Name: g.Team.Name}, nil)
	if _, err := h.store.DeleteSCIMGroup(org.ID, g.Team.ID, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// memberError turns "that user is not a member" into a SCIM 400 invalidValue: the
// request, not the group, is wrong.
func memberError(err error) error {
	var se *store.Error
	if errors.As(err, &se) && errors.Is(err, store.ErrNotFound) && se.Entity == "Member" {
		return scimBad("invalidValue", se.Message)
	}
	return err
}

// checkGroup validates the display name.
func checkGroup(g *store.SCIMGroup) error {
	f := fieldErrors{}
	g.Team.Name = f.name("displayName", g.Team.Name, true, maxNameLen)
	f.name("externalId", g.ExternalID, false, maxNameLen)
	for field, problem := range f {
		return scimBad("invalidValue", field+" "+problem+".")
	}
	g.Members = dedupe(g.Members)
	return nil
}

// dedupe drops repeated IDs, keeping the first.
func dedupe(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// applyGroupObject applies a Group object (a body, or a PATCH value without path).
func applyGroupObject(g *store.SCIMGroup, obj map[string]any, replaceMembers bool) error {
	for k, v := range obj {
		switch strings.ToLower(k) {
		case "schemas", "id", "meta":
			continue
		case "displayname":
			s, ok := v.(string)
			if !ok {
				return scimBad("invalidValue", "displayName must be a string.")
			}
			g.Team.Name = s
		case "externalid":
			if err := setString(&g.ExternalID, "externalId", v, scimPath{attr: "externalid"}); err != nil {
				return err
			}
		case "members":
			ids, err := memberIDs(v)
			if err != nil {
				return err
			}
			if replaceMembers {
				g.Members = ids
			} else {
				g.Members = append(g.Members, ids...)
			}
		default:
			return scimBad("invalidPath", "Unknown attribute "+k+" of a Group.")
		}
	}
	return nil
}

// applyGroupOp applies one PATCH operation to g.
func applyGroupOp(g *store.SCIMGroup, op scimPatchOp) error {
	if op.rawPath == "" {
		return applyGroupObject(g, op.value.(map[string]any), op.op == "replace")
	}
	p := op.path
	switch {
	case p.attr == "displayname" || p.attr == "externalid":
		if op.op == "remove" {
			if p.attr == "displayname" {
				return &scimError{Status: 400, ScimType: "mutability", Detail: "displayName is required."}
			}
			g.ExternalID = ""
			return nil
		}
		return applyGroupObject(g, map[string]any{p.attr: op.value}, false)
	case p.attr != "members" || (p.sub != "" && p.sub != "value"):
		return scimBad("invalidPath", "Unknown attribute "+op.rawPath+" of a Group.")
	case p.where != nil:
		// members[value eq "id"]: the filter picks the members the op applies to.
		if op.op != "remove" {
			return scimBad("invalidPath", "A member filter is allowed in remove operations only.")
		}
		kept := g.Members[:0:0]
		for _, id := range g.Members {
			if !p.where.match(map[string]any{"value": id}) {
				kept = append(kept, id)
			}
		}
		g.Members = kept
		return nil
	}
	var ids []string
	if op.value != nil || op.op != "remove" {
		var err error
		if ids, err = memberIDs(op.value); err != nil {
			return err
		}
	}
	switch op.op {
	case "add":
		g.Members = append(g.Members, ids...)
	case "replace":
		g.Members = ids
	case "remove":
		if op.value == nil {
			g.Members = nil // remove "members" without value: every member (RFC 7644 §3.5.2.2)
			return nil
		}
		drop := make(map[string]bool, len(ids))
		for _, id := range ids {
			drop[id] = true
		}
		kept := g.Members[:0:0]
		for _, id := range g.Members {
			if !drop[id] {
				kept = append(kept, id)
			}
		}
		g.Members = kept
	}
	return nil
}

// memberIDs reads a members value: a list of {"value": "<user id>"} (or one such object).
func memberIDs(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	ids := make([]string, 0, len(list))
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, scimBad("invalidValue", "members must be a list of objects with a value.")
		}
		id, ok := lookupFold(m, "value").(string)
		if !ok || id == "" {
			return nil, scimBad("invalidValue", "Each member needs a value: the user's id.")
		}
		ids = append(ids, id)
	}
	return ids, nil
}
