package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// channelSecretMask stands for a stored secret in responses; sent back in a PUT it means
// "keep the stored value", so a client can PUT back what it read.
const channelSecretMask = "********"

// channelSeverities are the severities a channel can subscribe to (SPEC §3.11), in order.
var channelSeverities = []string{"critical", "warning", "info"}

// channelRequest is the body of POST and PUT. On PUT an absent field keeps its value; a
// config that is sent replaces the stored one, except that a secret field omitted or sent
// as the mask keeps its stored value (when the type is unchanged).
type channelRequest struct {
	OrganizationID string         `json:"organization_id"` // read by the org middleware
	Name           *string        `json:"name"`
	Type           *string        `json:"type"`
	Config         map[string]any `json:"config"`
	Enabled        *bool          `json:"enabled"`
	Severities     *[]string      `json:"severities"`
}

// channelChange is a validated request: the fields to store, with the config split into
// its public part and its secrets (plaintext, sealed by the caller under the channel's ID).
type channelChange struct {
	name, typ  string
	enabled    bool
	severities []string
	public     map[string]any
	secrets    map[string]any
}

// validate checks a request against the stored channel (nil on create) whose secrets are
// stored (opened, nil on create), and collects every problem into one 422.
func (r *channelRequest) validate(old *store.NotificationChannel, stored map[string]any) (*channelChange, error) {
	f := fieldErrors{}
	ch := &channelChange{enabled: true, severities: slices.Clone(channelSeverities)}
	if old != nil {
		ch.name, ch.typ, ch.enabled, ch.severities = old.Name, old.Type, old.Enabled, old.Severities
	}
	if r.Name != nil || old == nil {
		ch.name = f.name("name", deref(r.Name), true, maxNameLen)
	}
	if r.Type != nil || old == nil {
		ch.typ = strings.ToLower(strings.TrimSpace(deref(r.Type)))
		if ch.typ == "" {
			f.add("type", "is required")
		} else if !slices.Contains(notify.ChannelTypes(), ch.typ) {
			f.add("type", "must be one of "+strings.Join(notify.ChannelTypes(), ", "))
		}
	}
	if r.Enabled != nil {
		ch.enabled = *r.Enabled
	}
	if r.Severities != nil {
		ch.severities = parseSeverities(f, *r.Severities)
	}
	typeChanged := old != nil && ch.typ != old.Type
	switch {
	case r.Config == nil && (old == nil || typeChanged):
		f.add("config", "is required")
	case r.Config == nil:
		// PUT without config: the stored config and secrets stay as they are.
		ch.public, ch.secrets = old.Config, stored
	case f["type"] == "":
		ch.public, ch.secrets = splitChannelConfig(f, ch.typ, r.Config, keptSecrets(old, typeChanged, stored))
	}
	return ch, f.err()
}

// keptSecrets are the stored secrets a PUT may keep: none on create or a type change
// (the same field name may mean something else for another type).
func keptSecrets(old *store.NotificationChannel, typeChanged bool, stored map[string]any) map[string]any {
	if old == nil || typeChanged {
		return nil
	}
	return stored
}

// splitChannelConfig validates config for typ, with each secret field that is omitted or
// sent as the mask taken from kept, and returns the clean config split into public fields
// and secrets. Problems are reported under "config.<field>".
func splitChannelConfig(f fieldErrors, typ string, config, kept map[string]any) (public, secrets map[string]any) {
	merged := maps.Clone(config)
	for _, field := range notify.SecretFields(typ) {
		v, sent := merged[field]
		if sent && v != channelSecretMask {
			continue
		}
		if old, ok := kept[field]; ok {
			merged[field] = old
		} else if sent {
			// The mask with nothing stored behind it: never store the mask as a secret.
			f.add("config."+field, "is masked; send the value itself")
			delete(merged, field)
		}
	}
	clean, problems := notify.ValidateChannelConfig(typ, merged)
	for field, msg := range problems {
		f.add("config."+field, msg)
	}
	if len(problems) > 0 {
		return nil, nil
	}
	keepReferences(clean, merged)
	public, secrets = map[string]any{}, map[string]any{}
	secretFields := notify.SecretFields(typ)
	for k, v := range clean {
		if slices.Contains(secretFields, k) {
			secrets[k] = v
		} else {
			public[k] = v
		}
	}
	return public, secrets
}

// parseSeverities checks a severities list: a non-empty subset of critical, warning, info,
// lower-cased, without repeats, returned in the canonical order.
func parseSeverities(f fieldErrors, in []string) []string {
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.ToLower(strings.TrimSpace(s))
		if !slices.Contains(channelSeverities, s) {
			f.add("severities", "must hold only critical, warning and info")
			return nil
		}
		seen[s] = true
	}
	if len(seen) == 0 {
		f.add("severities", "must name at least one of critical, warning, info")
		return nil
	}
	out := make([]string, 0, len(seen))
	for _, s := range channelSeverities {
		if seen[s] {
			out = append(out, s)
		}
	}
	return out
}

// sealChannelSecrets seals each secret (JSON-encoded, so lists and header maps survive)
// bound to the organization, channel and field.
func (b *base) sealChannelSecrets(orgID, channelID string, secrets map[string]any) (map[string][]byte, error) {
	out := make(map[string][]byte, len(secrets))
	for field, v := range secrets {
		plain, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode channel secret %s: %w", field, err)
		}
		if out[field], err = b.sealer.Seal(plain, orgID, notify.ChannelSecretRecord(channelID, field)); err != nil {
			return nil, fmt.Errorf("seal channel secret %s: %w", field, err)
		}
	}
	return out, nil
}

// openChannelSecrets opens every sealed secret of ch (notify.ChannelSecrets): an update
// keeps the secrets it does not replace.
func openChannelSecrets(o notify.Opener, ch *store.NotificationChannel) (map[string]any, error) {
	return notify.ChannelSecrets(o, ch)
}

// keepReferences puts back, as sent (trimmed), each string field of clean whose sent value
// holds a {{secrets.NAME}} reference: normalizing would escape the braces of a reference
// in a URL, which must stay resolvable at send time, where the resolved config is
// validated and normalized again.
func keepReferences(clean, sent map[string]any) {
	for k, v := range sent {
		if raw, ok := v.(string); ok && len(vault.References(raw)) > 0 {
			if _, kept := clean[k]; kept {
				clean[k] = strings.TrimSpace(raw)
			}
		}
	}
}
