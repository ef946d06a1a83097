package api

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// sameJSON reports whether a and b encode to the same JSON. It compares values that went
// through different decoders ([]string from a validator, []any from the store) by what a
// client would see.
func sameJSON(a, b any) bool {
	ra, errA := json.Marshal(a)
	rb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ra, rb)
}

// planChannels validates the notification channels through channelRequest.validate: a
// new one as a POST (a masked secret is refused: "config.url is masked; send the value
// itself"), an existing one as a PUT (masked or omitted secrets keep the stored ones).
func (p *importPlan) planChannels(items []json.RawMessage) {
	existing := byNameKey(p.st.channels, func(ch *store.NotificationChannel) (string, string) { return ch.Name, ch.ID }, p.channels)
	chh := &channelHandlers{base: p.h.base}
	channels, orgID := chh.channels(), p.org.ID
	for path, req := range elements(p, "notification_channels", items, func(r *channelRequest) *string { return r.Name }) {
		old := existing[namekey(deref(req.Name))]
		if old == nil {
			change, err := req.validate(nil, nil)
			if !p.ok(path, chh.checkChannelSecrets(orgID, req.Config, err)) {
				continue
			}
			ch := &store.NotificationChannel{ID: uuid.Must(uuid.NewV7()).String()}
			if !p.ok(path, chh.apply(orgID, ch, change)) {
				continue
			}
			p.channels[namekey(ch.Name)] = ch.ID
			p.noteChannelType(ch.ID, ch.Type)
			p.st.names[ch.ID] = ch.Name
			p.change("create", "notification_channel", ch.Name, func(c *gin.Context) error {
				return channels.add(c, orgID, ch, importMeta(nil))
			})
			continue
		}
		stored, err := openChannelSecrets(p.h.sealer, old)
		if !p.ok(path, err) {
			continue
		}
		change, err := req.validate(old, stored)
		if !p.ok(path, chh.checkChannelSecrets(orgID, req.Config, err)) {
			continue
		}
		after := *old
		after.Name, after.Type, after.Enabled, after.Severities, after.Config = change.name, change.typ, change.enabled, change.severities, change.public
		p.noteChannelType(after.ID, after.Type)
		after.SealedSecrets = make(map[string][]byte, len(change.secrets))
		for field := range change.secrets {
			after.SealedSecrets[field] = nil // only the keys matter to the exported form
		}
		if sameJSON(newChannelItem(old), newChannelItem(&after)) && sameJSON(stored, change.secrets) {
			p.change("", "notification_channel", old.Name, nil)
			continue
		}
		id := old.ID
		p.change("update", "notification_channel", change.name, func(c *gin.Context) error {
			_, err := channels.modify(c, orgID, id, "updated", importMeta(nil), func(ch *store.NotificationChannel) error {
				return chh.apply(orgID, ch, change)
			})
			return err
		})
	}
}

// webhookKey is what a webhook is matched on: its URL in display form (query values
// masked), so the exported URL and the real one with its tokens name the same webhook.
func webhookKey(raw string) string {
	raw = strings.TrimSpace(raw)
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" {
		return maskWebhookURL(u)
	}
	return raw
}

// planWebhooks validates the webhook subscriptions through webhookHandlers.validate. A
// new one must carry its URL in full and a secret (an export has neither; a generated
// secret nobody ever saw would make its signatures useless); an existing one keeps its
// URL when the display form is sent back, and its secret unless one is given.
func (p *importPlan) planWebhooks(items []json.RawMessage) {
	existing := make(map[string]*store.Webhook, len(p.st.webhooks))
	for i := range p.st.webhooks {
		existing[p.st.webhooks[i].DisplayURL] = &p.st.webhooks[i]
	}
	wh := &webhookHandlers{base: p.h.base}
	webhooks, orgID, seen := wh.webhooks(), p.org.ID, map[string]string{}
	for i, raw := range items {
		path := item("webhooks", i)
		req := new(webhookRequest)
		if !p.decodeItem(path, raw, req) {
			continue
		}
		key := webhookKey(deref(req.URL))
		if first, dup := seen[key]; dup && key != "" {
			p.f.add(path+".url", "repeats the URL of "+first)
			continue
		}
		seen[key] = path
		old := existing[key]
		if old == nil {
			if req.Secret == nil {
				p.f.add(path+".secret", "is required for a new webhook (exports never carry signing secrets)")
			}
			change, err := wh.validate(req, nil)
			if !p.ok(path, err) || req.Secret == nil {
				continue
			}
			w := &store.Webhook{ID: uuid.Must(uuid.NewV7()).String(), OrgID: orgID, DisplayURL: change.display,
				Events: change.events, Enabled: change.enabled}
			if !p.ok(path, wh.sealWebhook(w, change.url, change.secret)) {
				continue
			}
			p.change("create", "webhook", w.DisplayURL, func(c *gin.Context) error {
				return webhooks.add(c, orgID, w, importMeta(map[string]any{"events": w.Events}))
			})
			continue
		}
		change, err := wh.validate(req, old)
		if !p.ok(path, err) {
			continue
		}
		if change.url == "" && change.secret == "" && change.enabled == old.Enabled && sameJSON(change.events, old.Events) {
			p.change("", "webhook", old.DisplayURL, nil)
			continue
		}
		id := old.ID
		p.change("update", "webhook", old.DisplayURL, func(c *gin.Context) error {
			_, err := webhooks.modify(c, orgID, id, "updated", importMeta(map[string]any{"events": change.events}),
				func(w *store.Webhook) error { return wh.apply(w, change) })
			return err
		})
	}
}
