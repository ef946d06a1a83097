package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// contactMethodHandlers serves /api/v1/profile/contact-methods: the caller's personal ways
// of being paged when on call (SPEC §11), kept per organization because paging happens in
// one and secrets are sealed under it.
type contactMethodHandlers struct {
	*base
}

// contactMethodView shows a contact method without its secrets: they are sealed, never
// returned; secrets_set names the secret fields that hold a value.
type contactMethodView struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Config     map[string]any `json:"config"`
	SecretsSet []string       `json:"secrets_set"`
	CreatedAt  time.Time      `json:"created_at"`
}

func newContactMethodView(m *store.ContactMethod) contactMethodView {
	v := contactMethodView{ID: m.ID, Type: m.Type, Config: m.Config, SecretsSet: []string{}, CreatedAt: m.CreatedAt.UTC()}
	if v.Config == nil {
		v.Config = map[string]any{}
	}
	for f := range m.SealedSecrets {
		v.SecretsSet = append(v.SecretsSet, f)
	}
	slices.Sort(v.SecretsSet)
	return v
}

func contactViews(ms []store.ContactMethod) []contactMethodView {
	out := make([]contactMethodView, 0, len(ms))
	for i := range ms {
		out = append(out, newContactMethodView(&ms[i]))
	}
	return out
}

// list answers the caller's contact methods in the active organization.
func (h *contactMethodHandlers) list(c *gin.Context) error {
	a := actorOf(c)
	ms, err := h.store.ContactMethods(a.org.ID, a.user.ID)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"contact_methods": contactViews(ms)})
	return nil
}

// create validates a contact method with its channel type's own validation (SPEC §3.11)
// and stores it with its secrets sealed.
func (h *contactMethodHandlers) create(c *gin.Context) error {
	// Session only: a person's own paging settings, like their password.
	var req struct {
		Type   string         `json:"type"`
		Config map[string]any `json:"config"`
	}
	a, err := sessionBind(c, &req)
	if err != nil {
		return err
	}
	typ := strings.ToLower(strings.TrimSpace(req.Type))
	chType := notify.ContactChannelType(typ)
	if chType == "" {
		return errValidation(map[string]string{"type": "must be sms, telegram, pushover, ntfy or email"})
	}
	clean, problems := notify.ValidateChannelConfig(chType, req.Config)
	if len(problems) > 0 {
		fields := make(map[string]string, len(problems))
		for k, v := range problems {
			fields["config."+k] = v
		}
		return errValidation(fields)
	}
	m := store.ContactMethod{ID: store.NewID(), Type: typ, Config: map[string]any{}, SealedSecrets: map[string][]byte{}, CreatedAt: h.now()}
	secret := notify.SecretFields(chType)
	for k, v := range clean {
		if !slices.Contains(secret, k) {
			m.Config[k] = v
			continue
		}
		plain, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode contact secret %s: %w", k, err)
		}
		if m.SealedSecrets[k], err = h.sealer.Seal(plain, a.org.ID, notify.ContactSecretRecord(a.user.ID, m.ID, k)); err != nil {
			return fmt.Errorf("seal contact secret %s: %w", k, err)
		}
	}
	entry := h.auditEntry(c, "contact_method.created", store.AuditResource{Type: "contact_method", ID: m.ID, Name: typ}, nil)
	_, err = h.store.UpdateContactMethods(a.org.ID, a.user.ID, func(cur []store.ContactMethod) ([]store.ContactMethod, error) {
		return append(cur, m), nil
	}, audited(entry))
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, newContactMethodView(&m))
	return nil
}

// delete removes one of the caller's contact methods.
func (h *contactMethodHandlers) delete(c *gin.Context) error {
	a, err := sessionActor(c)
	if err != nil {
		return err
	}
	id := c.Param("id")
	entry := h.auditEntry(c, "contact_method.deleted", store.AuditResource{Type: "contact_method", ID: id}, nil)
	_, err = h.store.UpdateContactMethods(a.org.ID, a.user.ID, func(cur []store.ContactMethod) ([]store.ContactMethod, error) {
		i := slices.IndexFunc(cur, func(m store.ContactMethod) bool { return m.ID == id })
		if i < 0 {
			return nil, errNotFound("Contact method")
		}
		entry.Resource.Name = cur[i].Type
		return slices.Delete(cur, i, i+1), nil
	}, audited(entry))
	if err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
