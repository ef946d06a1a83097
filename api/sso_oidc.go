package api

import (
	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// oidcClient builds the organization's relying party (discovery through the egress
// guard), or the refusal that says why it cannot sign anyone in. test allows a disabled
// configuration ("Test sign-in" runs before enabling).
func (h *ssoHandlers) oidcClient(c *gin.Context, org *store.Organization, test bool) (*store.OIDCConfig, *identity.OIDCClient, *identity.SSORefusal) {
	cfg, err := h.store.SSOConfig(org.ID)
	if err != nil || cfg.OIDC == nil || (!cfg.OIDC.Enabled && !test) {
		return nil, nil, &identity.SSORefusal{Reason: "sso_not_configured",
			Message: "This organization has no OpenID Connect sign-in enabled."}
	}
	o := cfg.OIDC
	secret, err := h.sealer.Open(o.SealedClientSecret, org.ID, ssoSealOIDCSecret)
	if err != nil {
		return nil, nil, &identity.SSORefusal{Reason: "client_secret_unreadable",
			Message: "The stored client secret cannot be read; an admin must enter it again."}
	}
	client, err := identity.NewOIDCClient(c.Request.Context(), h.discovery, identity.OIDCSettings{Issuer: o.Issuer, ClientID: o.ClientID,
		ClientSecret: string(secret), RedirectURL: h.oidcRedirectURI(org), Scopes: o.Scopes}, h.ssoHTTPClient(), false)
	if err != nil {
		return nil, nil, &identity.SSORefusal{Reason: "discovery_failed", Message: err.Error()}
	}
	return o, client, nil
}

// startOIDC stores a new pending sign-in (state, nonce, PKCE verifier) and returns the
// provider's authorization URL.
func (h *ssoHandlers) startOIDC(c *gin.Context, org *store.Organization, testBy string) (string, *identity.SSORefusal, error) {
	_, client, refusal := h.oidcClient(c, org, testBy != "")
	if refusal != nil {
		return "", refusal, nil
	}
	nonce, err := crypto.RandomToken("", 24)
	if err != nil {
		return "", nil, err
	}
	st := ssoState{OrgID: org.ID, Protocol: protocolOIDC, Nonce: nonce, Verifier: identity.NewPKCEVerifier(), TestBy: testBy}
	state, err := h.putSSOStep(challengeSSOState, "ssos_", "", st, ssoStateTTL)
	if err != nil {
		return "", nil, err
	}
	return client.AuthCodeURL(state, st.Nonce, st.Verifier), nil, nil
}

// oidcLogin is GET /sso/{slug}/oidc/login: the browser goes on to the provider.
func (h *ssoHandlers) oidcLogin(c *gin.Context) error {
	return h.login(c, protocolOIDC, h.startOIDC)
}

// oidcCallback is GET /sso/{slug}/oidc/callback: the provider sends the browser back
// with a code and the state. The state is taken once and must belong to this
// organization; the code is exchanged with the PKCE verifier and the ID token verified
// (identity.OIDCClient.Exchange) before anything is provisioned.
func (h *ssoHandlers) oidcCallback(c *gin.Context) error {
	org, err := h.orgBySlug(c)
	if err != nil {
		return err
	}
	var st ssoState
	if _, ok := h.takeSSOStep(c.Query("state"), challengeSSOState, &st); !ok || st.OrgID != org.ID || st.Protocol != protocolOIDC {
		return h.ssoRefused(c, org, protocolOIDC, &identity.SSORefusal{Reason: "state_mismatch",
			Message: "This sign-in was not started here, was already used or has expired; start again."})
	}
	if e := c.Query("error"); e != "" {
		return h.ssoRefused(c, org, protocolOIDC, &identity.SSORefusal{Reason: "provider_error",
			Message: "The identity provider answered " + truncate(e+": "+c.Query("error_description"), 200)})
	}
	o, client, refusal := h.oidcClient(c, org, st.TestBy != "")
	if refusal != nil {
		return h.ssoRefused(c, org, protocolOIDC, refusal)
	}
	id, err := client.Exchange(c.Request.Context(), c.Query("code"), st.Verifier, st.Nonce, o.GroupsClaim)
	if err != nil {
		return h.ssoRefused(c, org, protocolOIDC, asRefusal(err, "id_token_invalid"))
	}
	return h.finishSSO(c, org, o.SSOMapping, &st, id)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
