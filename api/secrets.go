package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// Limits of the secrets vault. No plan caps secrets (SPEC §2.2 names none); the ceiling
// is a bound on one organization's record, not a plan feature.
const (
	maxSecretValueBytes = 8192
	maxSecretsPerOrg    = 1000
)

// secretHandlers serves /api/v1/secrets, the organization's secrets vault (docs:
// Settings → Secrets). Values are write-only: sealed as they arrive, never answered,
// exported or logged; the objects show where each secret is used.
type secretHandlers struct{ *base }

// secretView is a secret as the API shows it: never its value.
type secretView struct {
	Name      string      `json:"name"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	UsedBy    []secretUse `json:"used_by"`
}

// secretRequest is the body of POST (name and value) and PUT/PATCH (value; a name, if
// sent, must be the secret's own: secrets are not renamed, since references name them).
type secretRequest struct {
	OrganizationID string  `json:"organization_id"` // read by the org middleware
	Name           *string `json:"name"`
	Value          *string `json:"value"`
}

// secrets is the resource the secret routes share; usage says where each is used.
func (h *secretHandlers) secrets(usage map[string][]secretUse) resource[store.Secret, secretView] {
	return resource[store.Secret, secretView]{base: h.base, event: "secret", param: "name",
		load: h.store.Secret, page: h.store.ListSecrets, insert: h.store.CreateSecret,
		save: h.store.UpdateSecret, remove: h.store.DeleteSecret,
		id: func(s *store.Secret) string { return s.Name }, audit: secretResource,
		view: func(s *store.Secret) secretView {
			uses := usage[s.Name]
			if uses == nil {
				uses = []secretUse{}
			}
			return secretView{Name: s.Name, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UsedBy: uses}
		},
		// Agents get secrets resolved in their assignments: a change re-sends them.
		written: h.scheduleChanged}
}

func secretResource(s *store.Secret) store.AuditResource {
	return store.AuditResource{Type: "secret", ID: s.Name, Name: s.Name}
}

// withUsage runs fn with the active organization's secret usage.
func (h *secretHandlers) withUsage(c *gin.Context, fn func(r resource[store.Secret, secretView]) error) error {
	usage, err := h.secretUsage(actorOf(c).org.ID)
	if err != nil {
		return err
	}
	return fn(h.secrets(usage))
}

// list answers the organization's secrets in name order, each with its used_by.
func (h *secretHandlers) list(c *gin.Context) error {
	return h.withUsage(c, func(r resource[store.Secret, secretView]) error { return r.list(c) })
}

// get answers one secret by name.
func (h *secretHandlers) get(c *gin.Context) error {
	return h.withUsage(c, func(r resource[store.Secret, secretView]) error { return r.get(c) })
}

// create validates the name and value, seals the value bound to the organization and
// name, and answers 201 without it; a name the organization has is 409.
func (h *secretHandlers) create(c *gin.Context) error {
	var req secretRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	name := strings.TrimSpace(deref(req.Name))
	switch {
	case name == "":
		f.add("name", "is required")
	case !vault.ValidName(name):
		f.add("name", "must be 1 to 64 upper-case letters, digits or underscores (A-Z, 0-9, _), e.g. API_TOKEN")
	}
	checkSecretValue(f, req.Value)
	if err := f.err(); err != nil {
		return err
	}
	orgID := actorOf(c).org.ID
	existing, err := h.store.Secrets(orgID)
	if err != nil {
		return err
	}
	if len(existing) >= maxSecretsPerOrg {
		return errConflict(fmt.Sprintf("An organization holds at most %d secrets; delete one first.", maxSecretsPerOrg))
	}
	sealed, err := vault.Seal(h.sealer, orgID, name, *req.Value)
	if err != nil {
		return err
	}
	return h.withUsage(c, func(r resource[store.Secret, secretView]) error {
		return r.create(c, &store.Secret{Name: name, Sealed: sealed}, nil)
	})
}

// checkSecretValue checks a value: required, at most maxSecretValueBytes, no NUL. It is
// never quoted in a problem.
func checkSecretValue(f fieldErrors, value *string) {
	switch {
	case value == nil || *value == "":
		f.add("value", "is required")
	case len(*value) > maxSecretValueBytes:
		f.add("value", fmt.Sprintf("must be at most %d bytes", maxSecretValueBytes))
	case strings.ContainsRune(*value, 0) || !utf8.ValidString(*value):
		f.add("value", "must be text without NUL characters")
	}
}

// update rotates the value (PUT and PATCH alike: the value is the only thing to change).
// What refers to the secret uses the new value from its next use on.
func (h *secretHandlers) update(c *gin.Context) error {
	return h.withUsage(c, func(r resource[store.Secret, secretView]) error {
		var req secretRequest
		current, err := r.bind(c, &req)
		if err != nil {
			return err
		}
		f := fieldErrors{}
		if req.Name != nil && strings.TrimSpace(*req.Name) != current.Name {
			f.add("name", "cannot be changed (references name the secret); create a secret of the new name instead")
		}
		checkSecretValue(f, req.Value)
		if err := f.err(); err != nil {
			return err
		}
		orgID := actorOf(c).org.ID
		sealed, err := vault.Seal(h.sealer, orgID, current.Name, *req.Value)
		if err != nil {
			return err
		}
		return r.update(c, "updated", nil, func(s *store.Secret) error {
			s.Sealed = sealed
			return nil
		})
	})
}

// delete removes a secret. One still referred to is a 409 listing where (details.used_by)
// unless ?force=true: then what refers to it fails at its next use with "secret NAME was
// deleted" (a check turns RED, a delivery fails with it in its log).
func (h *secretHandlers) delete(c *gin.Context) error {
	force, err := queryBool(c, "force")
	if err != nil {
		return err
	}
	return h.withUsage(c, func(r resource[store.Secret, secretView]) error {
		s, err := r.one(c)
		if err != nil {
			return err
		}
		uses := r.view(s).UsedBy
		if len(uses) > 0 && !force {
			e := errConflict(fmt.Sprintf("Secret %s is in use by %s; delete it with ?force=true to delete it anyway, "+
				"and what uses it will fail with \"secret %s was deleted\".", s.Name, describeUses(uses), s.Name))
			e.Details = map[string]any{"used_by": uses}
			return e
		}
		entry := h.auditEntry(c, "secret.deleted", secretResource(s), map[string]any{"forced": force, "used_by": len(uses)})
		if err := h.store.DeleteSecret(actorOf(c).org.ID, s.Name, audited(entry)); err != nil {
			return err
		}
		h.scheduleChanged()
		c.Status(http.StatusNoContent)
		return nil
	})
}

// describeUses names the first uses in a sentence: `service "API" (endpoint), ...`.
func describeUses(uses []secretUse) string {
	const shown = 3
	parts := make([]string, 0, shown)
	for i, u := range uses {
		if i == shown {
			parts = append(parts, fmt.Sprintf("%d more", len(uses)-shown))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %q (%s)", strings.ReplaceAll(u.Kind, "_", " "), u.Name, u.Field))
	}
	return strings.Join(parts, ", ")
}
