package api

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/alertifypro/alertifypro/auditstream"
	"github.com/alertifypro/alertifypro/store"
)

// maxAuditStreamName bounds a stream's name (characters).
const maxAuditStreamName = 100

// auditStreamRequest is the body of POST and PUT /audit-streams. On PUT an absent field
// keeps its value; config, when sent, is the whole configuration, except that a
// credential that is absent or sent back as the mask keeps the stored one ("" clears
// it); a url sent back as shown keeps the stored URL. The type cannot change.
type auditStreamRequest struct {
	OrganizationID string            `json:"organization_id"` // read by the org middleware
	Name           *string           `json:"name"`
	Type           *string           `json:"type"`
	Enabled        *bool             `json:"enabled"`
	URL            *string           `json:"url"`
	Config         map[string]string `json:"config"`
}

// auditStreamChange is a validated request, ready to apply.
type auditStreamChange struct {
	name, typ string
	enabled   bool
	// url and display are the new URL and its shown form; keepURL keeps the stored one.
	url, display string
	keepURL      bool
	settings     map[string]string
	// secrets are the credentials to seal anew; dropped ones are removed; the others stay.
	secrets map[string]string
	dropped []string
}

// validate judges r against the stored stream (nil on create), collecting every problem
// into one 422. References to secrets are checked for their syntax and, when a resolver
// is wired, for existence (an unknown name is named in the field).
func (h *auditStreamHandlers) validate(orgID string, r *auditStreamRequest, old *store.AuditStream) (*auditStreamChange, error) {
	f := fieldErrors{}
	ch := &auditStreamChange{enabled: true, secrets: map[string]string{}}
	if old != nil {
		ch.name, ch.typ, ch.enabled, ch.keepURL, ch.settings = old.Name, old.Type, old.Enabled, true, old.Settings
	}
	if r.Name != nil || old == nil {
		ch.name = f.name("name", deref(r.Name), true, maxAuditStreamName)
	}
	switch typ := strings.ToLower(strings.TrimSpace(deref(r.Type))); {
	case old == nil && !auditstream.KnownType(typ):
		f.add("type", "must be one of "+strings.Join(auditstream.Types, ", "))
	case old == nil:
		ch.typ = typ
	case r.Type != nil && typ != old.Type:
		f.add("type", "cannot be changed; create a new stream")
	}
	if r.Enabled != nil {
		ch.enabled = *r.Enabled
	}
	if err := f.err(); err != nil && ch.typ == "" {
		return nil, err // without a type the rest cannot be judged
	}
	h.judgeURL(f, r, old, ch)
	if r.Config != nil || old == nil {
		h.judgeConfig(f, orgID, r.Config, old, ch)
	}
	return ch, f.err()
}

// judgeURL checks the URL: absolute http(s) without user info (credentials go in the
// config), https unless EGRESS_POLICY=private, and a host the egress guard allows. Datadog
// may go without one (its site's intake), which is then checked instead.
func (h *auditStreamHandlers) judgeURL(f fieldErrors, r *auditStreamRequest, old *store.AuditStream, ch *auditStreamChange) {
	raw := strings.TrimSpace(deref(r.URL))
	switch {
	case r.URL != nil && old != nil && raw == old.DisplayURL:
		return // what a GET showed, sent back: the stored URL stays
	case r.URL == nil && old != nil:
		return
	}
	ch.keepURL = false
	if raw == "" {
		if auditstream.URLRequired(ch.typ) {
			f.add("url", "is required")
		}
		return
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https"):
		f.add("url", "must be an absolute http or https URL")
		return
	case u.User != nil:
		f.add("url", "must not contain a user name or password; put credentials in config")
		return
	case strings.Contains(raw, channelSecretMask):
		f.add("url", "is masked; send the URL itself")
		return
	case u.Scheme != "https" && !h.privateEgress():
		f.add("url", "must be an https URL (http is allowed only with EGRESS_POLICY=private)")
		return
	}
	if h.guard != nil {
		if err := h.guard.CheckHost(u.Hostname()); err != nil {
			f.add("url", err.Error())
			return
		}
	}
	ch.url, ch.display = u.String(), maskWebhookURL(u)
}

// judgeConfig splits config into plain settings and credentials, validates them with the
// type's rules, and checks the Datadog intake a stream without URL will use.
func (h *auditStreamHandlers) judgeConfig(f fieldErrors, orgID string, cfg map[string]string, old *store.AuditStream, ch *auditStreamChange) {
	settings := map[string]string{}
	effective := map[string]string{} // the credentials the stream will have, for Validate
	for k, v := range cfg {
		v = strings.TrimSpace(v)
		if !auditstream.IsSecret(ch.typ, k) {
			if v != "" {
				settings[k] = v
			}
			continue
		}
		switch {
		case v == channelSecretMask || (v == "" && old == nil):
		case v == "":
			ch.dropped = append(ch.dropped, k)
		default:
			ch.secrets[k] = v
			effective[k] = v
		}
	}
	if old != nil {
		for k := range old.Secrets {
			if _, set := effective[k]; !set && !slices.Contains(ch.dropped, k) {
				effective[k] = channelSecretMask // kept: present, and already judged
			}
		}
	}
	problems := auditstream.Validate(ch.typ, settings, effective)
	keys := make([]string, 0, len(problems))
	for k := range problems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f.add("config."+k, problems[k])
	}
	refs := map[string]string{}
	for k, v := range ch.secrets {
		if _, bad := problems[k]; !bad {
			refs["config."+k] = v
		}
	}
	// The same words for an unknown or malformed reference as a service's or channel's.
	if unknown, err := h.unknownSecretProblems(orgID, refs); err != nil {
		f.add("config", "the organization's secrets could not be read: "+err.Error())
	} else {
		for field, problem := range unknown {
			f.add(field, problem)
		}
	}
	ch.settings = settings
	if ch.typ == auditstream.TypeDatadog && h.guard != nil {
		if u, err := url.Parse(auditstream.IntakeURL(ch.typ, "", settings)); err == nil {
			if err := h.guard.CheckHost(u.Hostname()); err != nil && !ch.keepURL && ch.url == "" {
				f.add("url", err.Error())
			}
		}
	}
}
