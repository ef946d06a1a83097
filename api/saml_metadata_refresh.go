package api

import (
	"context"
	"time"

	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// samlMetadataMaxAge is how long metadata fetched from the identity provider's URL is
// used before a sign-in fetches it again. Providers rotate their signing certificates by
// publishing the new one in their metadata ahead of the switch (Entra ID and Okta weeks
// ahead), so a daily fetch follows a rotation without an admin saving the form again.
const samlMetadataMaxAge = 24 * time.Hour

// samlMetadataRetry is how long a failed fetch is not tried again: while the provider's
// metadata URL is down, sign-ins go on with the metadata held, without each waiting for
// the fetch to time out.
const samlMetadataRetry = 5 * time.Minute

// freshSAMLMetadata returns s with its identity provider's metadata fetched again when it
// came from a URL more than samlMetadataMaxAge ago. The new metadata is used only when it
// parses, and stored (with when it was fetched) so other sign-ins and nodes use it too; a
// failed fetch, unparsable metadata or a failed store write keeps what is held, logged.
func (h *ssoHandlers) freshSAMLMetadata(org *store.Organization, s *store.SAMLConfig) *store.SAMLConfig {
	if s.IdPMetadataURL == "" || h.now().Sub(s.IdPMetadataFetchedAt) < samlMetadataMaxAge {
		return s
	}
	if last, ok := h.samlFetchFailed.Load(org.ID); ok && h.now().Sub(last.(time.Time)) < samlMetadataRetry {
		return s
	}
	ctx, cancel := context.WithTimeout(context.Background(), ssoFetchTimeout)
	defer cancel()
	raw, err := h.fetchMetadata(ctx, s.IdPMetadataURL)
	if err == nil {
		_, err = identity.ParseIdPMetadata(raw)
	}
	if err != nil {
		h.samlFetchFailed.Store(org.ID, h.now())
		h.logger.Warn("SAML metadata not refreshed; the metadata held is used", "org", org.ID,
			"url", s.IdPMetadataURL, "fetched_at", s.IdPMetadataFetchedAt, "error", err)
		return s
	}
	h.samlFetchFailed.Delete(org.ID)
	fresh := *s
	fresh.IdPMetadataXML, fresh.IdPMetadataFetchedAt = string(raw), h.now()
	_, err = h.store.UpdateSSOConfig(org.ID, func(cfg *store.SSOConfig) error {
		if cfg.SAML != nil && cfg.SAML.IdPMetadataURL == s.IdPMetadataURL { // not re-pointed meanwhile
			cfg.SAML.IdPMetadataXML, cfg.SAML.IdPMetadataFetchedAt = fresh.IdPMetadataXML, fresh.IdPMetadataFetchedAt
		}
		return nil
	}, nil)
	if err != nil {
		h.logger.Warn("refreshed SAML metadata used but not stored", "org", org.ID, "error", err)
	} else if fresh.IdPMetadataXML != s.IdPMetadataXML {
		h.logger.Info("SAML metadata refreshed with changes", "org", org.ID, "url", s.IdPMetadataURL)
	}
	return &fresh
}
