package api

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/alertifypro/alertifypro/auditstream"
	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/vault"
)

// secretUse is one place a secret is referred to: {kind, id, name, field}, e.g.
// {"service", <id>, "API", "options.headers.Authorization"}.
type secretUse struct {
	Kind  string `json:"kind"`
	ID    string `json:"id"`
	Name  string `json:"name"`
	Field string `json:"field"`
}

// secretUsers lists the references of one kind of object of an organization: each
// place (kind, id, name, field) with the text it holds. Services, notification channels
// and audit-log streams are the kinds that resolve secrets; used_by and the in-use check
// of a delete count them all.
type secretUsers func(orgID string, visit func(use secretUse, text string)) error

// secretUserKinds are the listers used_by is computed from.
func (b *base) secretUserKinds() []secretUsers {
	return []secretUsers{b.serviceSecretUsers, b.channelSecretUsers, b.auditStreamSecretUsers}
}

// secretUsage maps each secret name orgID's objects refer to onto where they do, computed
// from the references as stored (opening sealed headers and credentials in memory, since
// references may sit there). Each name's uses are sorted by kind, name and field.
func (b *base) secretUsage(orgID string) (map[string][]secretUse, error) {
	usage := map[string][]secretUse{}
	for _, kind := range b.secretUserKinds() {
		err := kind(orgID, func(use secretUse, text string) {
			for _, name := range vault.References(text) {
				usage[name] = append(usage[name], use)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	for _, uses := range usage {
		slices.SortFunc(uses, func(a, b secretUse) int {
			return strings.Compare(a.Kind+"\x00"+a.Name+"\x00"+a.Field, b.Kind+"\x00"+b.Name+"\x00"+b.Field)
		})
	}
	return usage, nil
}

// serviceSecretUsers visits the endpoint, body option, header values and credential fields
// of every service of orgID.
func (b *base) serviceSecretUsers(orgID string, visit func(secretUse, string)) error {
	services, err := b.store.Services(orgID)
	if err != nil {
		return err
	}
	for i := range services {
		s := &services[i]
		use := func(field string) secretUse { return secretUse{Kind: "service", ID: s.ID, Name: s.Name, Field: field} }
		visit(use("endpoint"), s.Endpoint)
		var opts map[string]any
		if len(s.Options) > 0 && json.Unmarshal(s.Options, &opts) == nil {
			if body, ok := opts["body"].(string); ok {
				visit(use("options.body"), body)
			}
		}
		auth, headers, err := monitor.OpenCredentials(b.sealer, orgID, s)
		if err != nil {
			// A record whose seals do not open is reported where it is used (its check
			// says so); here it simply contributes no references.
			b.logger.Error("service credentials could not be opened for used_by", "service_id", s.ID, "error", err)
			continue
		}
		for name, value := range headers {
			visit(use("options.headers."+name), value)
		}
		if auth != nil {
			for field, value := range map[string]string{"username": auth.Username, "password": auth.Password,
				"token": auth.Token, "value": auth.Value} {
				visit(use("auth."+field), value)
			}
		}
	}
	return nil
}

// channelSecretUsers visits every string of every notification channel's config of orgID,
// its sealed fields opened.
func (b *base) channelSecretUsers(orgID string, visit func(secretUse, string)) error {
	channels, err := b.store.Channels(orgID)
	if err != nil {
		return err
	}
	for i := range channels {
		ch := &channels[i]
		cfg, err := notify.ChannelConfig(b.sealer, ch)
		if err != nil {
			b.logger.Error("channel config could not be opened for used_by", "channel_id", ch.ID, "error", err)
			continue
		}
		vault.Walk(cfg, "config", func(path, text string) {
			visit(secretUse{Kind: "notification_channel", ID: ch.ID, Name: ch.Name, Field: path}, text)
		})
	}
	return nil
}

// auditStreamSecretUsers visits the sealed credentials (token, api_key, password, secret)
// of every audit-log stream of orgID, opened in memory.
func (b *base) auditStreamSecretUsers(orgID string, visit func(secretUse, string)) error {
	streams, err := b.store.AuditStreams(orgID)
	if err != nil {
		return err
	}
	for i := range streams {
		s := &streams[i]
		for field, sealed := range s.Secrets {
			plain, err := b.sealer.Open(sealed, orgID, auditstream.SecretRecord(s.ID, field))
			if err != nil {
				b.logger.Error("audit stream credential could not be opened for used_by", "stream_id", s.ID, "error", err)
				continue
			}
			visit(secretUse{Kind: "audit_stream", ID: s.ID, Name: s.Name, Field: "config." + field}, string(plain))
		}
	}
	return nil
}
