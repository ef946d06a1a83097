package notify

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// contactChannelTypes maps the personal contact method types of SPEC §11 to the channel
// type whose config, validation and sender they reuse.
var contactChannelTypes = map[string]string{
	"sms": "twilio_sms", "telegram": "telegram", "pushover": "pushover", "ntfy": "ntfy", "email": "email",
}

// ContactChannelType is the channel type behind a contact method type, or "" for a type
// that is not one (sms, telegram, pushover, ntfy, email).
func ContactChannelType(typ string) string { return contactChannelTypes[typ] }

// ContactSecretRecord is the record a contact method's secret field is sealed under (with
// the organization): a seal moved to another user, method or field does not open.
func ContactSecretRecord(userID, methodID, field string) string {
	return "contact:" + userID + ":" + methodID + ":" + field
}

// ContactConfig is a contact method's whole config in plaintext, for a sender.
func ContactConfig(o Opener, orgID, userID string, m *store.ContactMethod) (map[string]any, error) {
	cfg := maps.Clone(m.Config)
	if cfg == nil {
		cfg = map[string]any{}
	}
	for field, sealed := range m.SealedSecrets {
		plain, err := o.Open(sealed, orgID, ContactSecretRecord(userID, m.ID, field))
		if err != nil {
			return nil, fmt.Errorf("open secret %s of contact method %s: %w", field, m.ID, err)
		}
		var v any
		if err := json.Unmarshal(plain, &v); err != nil {
			return nil, fmt.Errorf("decode secret %s of contact method %s: %w", field, m.ID, err)
		}
		cfg[field] = v
	}
	return cfg, nil
}

// contact builds the sender of a member's contact method (target "<userID>/<methodID>",
// store.ContactTarget), looked up at send time: a method removed since is a permanent
// error, so nothing more goes to it.
func (d *Destinations) contact(e *store.OutboxEntry) (Sender, error) {
	userID, methodID, ok := strings.Cut(e.TargetID, "/")
	if !ok {
		return nil, permanent("malformed contact target %q", e.TargetID)
	}
	methods, err := d.Store.ContactMethods(e.OrgID, userID)
	if err != nil {
		return nil, lookupFailed(err, "contact methods of user %s are gone", userID)
	}
	i := slices.IndexFunc(methods, func(m store.ContactMethod) bool { return m.ID == methodID })
	if i < 0 {
		return nil, permanent("contact method %s was removed", methodID)
	}
	typ := ContactChannelType(methods[i].Type)
	if typ == "" {
		return nil, permanent("contact method %s has unknown type %q", methodID, methods[i].Type)
	}
	cfg, err := ContactConfig(d.Opener, e.OrgID, userID, &methods[i])
	if err != nil {
		return nil, permanent("%v", err)
	}
	return NewSender(typ, cfg, d.Deps)
}
