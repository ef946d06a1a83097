package agent

import (
	"context"
	"errors"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
	secrets "github.com/alertifypro/alertifypro/vault"
)

// A service's {{secrets.NAME}} references are resolved by the server before its
// assignment is sent (an agent never sees the organization's vault), under the rule that
// withholds credentials: only over TLS or loopback. A rotated secret changes the
// fingerprint of the assignments that may use it, so agents get the new value at the
// next round.

// SecretSource resolves services' secret references for their assignments (*vault.Vault).
type SecretSource interface {
	secrets.Resolver
	// Version changes whenever a secret of orgID is created, rotated or deleted.
	Version(orgID string) (string, error)
}

// refersToSecrets reports whether svc's endpoint or options hold a reference (its sealed
// headers and credential may too, but those are withheld or sent opened anyway).
func refersToSecrets(svc *store.Service) bool {
	return len(secrets.References(svc.Endpoint)) > 0 || len(secrets.References(string(svc.Options))) > 0
}

// secretsVersion is the secrets version of svc's organization when svc may use a secret
// (its endpoint or options refer to one, or it has sealed credentials, which may), else
// "". Versions are read once per organization per round (h.versions, reset by reassign).
func (h *Hub) secretsVersion(svc *store.Service) string {
	if h.Secrets == nil || (!refersToSecrets(svc) && svc.Auth == nil && len(svc.SealedHeaders) == 0) {
		return ""
	}
	if v, ok := h.versions[svc.OrgID]; ok {
		return v
	}
	v, err := h.Secrets.Version(svc.OrgID)
	if err != nil {
		h.Logger.Error("secrets version unreadable; assignments keep their secrets until the next round", "org_id", svc.OrgID, "error", err)
	}
	if h.versions == nil {
		h.versions = map[string]string{}
	}
	h.versions[svc.OrgID] = v
	return v
}

// resolveSecrets resolves the references of a's endpoint and options and of the opened
// credentials; a secret the organization no longer has withholds the assignment with
// "secret NAME was deleted", which the agent records as the check's RED result.
func (h *Hub) resolveSecrets(a *Assignment, auth *monitor.Credentials, headers map[string]string) (*monitor.Credentials, map[string]string, bool) {
	t := &monitor.Target{OrgID: a.OrgID, ServiceID: a.ServiceID, Endpoint: a.Endpoint, Options: a.Options,
		Auth: auth, Headers: headers}
	var src secrets.Resolver
	if h.Secrets != nil {
		src = h.Secrets
	}
	if _, err := monitor.ResolveSecrets(context.Background(), src, t); err != nil {
		var unknown *secrets.UnknownSecretError
		if errors.As(err, &unknown) {
			a.Withheld = unknown.Error()
		} else {
			h.Logger.Error("service secrets could not be resolved for an agent", "service_id", a.ServiceID, "error", err)
			a.Withheld = "secrets could not be resolved"
		}
		return nil, nil, false
	}
	a.Endpoint, a.Options = t.Endpoint, t.Options
	return t.Auth, t.Headers, true
}
