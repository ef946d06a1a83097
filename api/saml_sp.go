package api

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// Limits of what the ACS reads: a SAMLResponse is a few kilobytes; the body limit of the
// router bounds the form as a whole.
const (
	maxSAMLResponseBytes = 256 << 10
	challengeSAMLSeen    = "saml_assertion"
)

// samlProvider builds the organization's service provider, or the refusal that says why
// it cannot sign anyone in. test allows a disabled configuration.
func (h *ssoHandlers) samlProvider(org *store.Organization, test bool) (*store.SAMLConfig, *identity.SAMLServiceProvider, *identity.SSORefusal) {
	cfg, err := h.store.SSOConfig(org.ID)
	if err != nil || cfg.SAML == nil || (!cfg.SAML.Enabled && !test) {
		return nil, nil, &identity.SSORefusal{Reason: "sso_not_configured", Message: "This organization has no SAML sign-in enabled."}
	}
	s := h.freshSAMLMetadata(org, cfg.SAML)
	keyDER, err := h.sealer.Open(s.SealedSPKey, org.ID, ssoSealSAMLKey)
	if err != nil {
		return nil, nil, &identity.SSORefusal{Reason: "sp_key_unreadable", Message: "The service provider key cannot be read."}
	}
	md, acs := h.samlURLs(org)
	sp, err := identity.NewSAMLServiceProvider(identity.SAMLSettings{MetadataURL: md, ACSURL: acs, KeyDER: keyDER,
		CertDER: s.SPCertificate, IdPMetadataXML: []byte(s.IdPMetadataXML), EmailAttribute: s.EmailAttribute,
		NameAttribute: s.NameAttribute, GroupsAttribute: s.GroupsAttribute, AllowIdPInitiated: s.AllowIdPInitiated}, h.now())
	if err != nil {
		return nil, nil, &identity.SSORefusal{Reason: "sp_unavailable", Message: err.Error()}
	}
	return s, sp, nil
}

// samlMetadata is GET /saml/{slug}/metadata (and /saml/metadata?org=slug): the service
// provider's metadata, whose URL is its entity ID. An organization without SAML is 404.
func (h *ssoHandlers) samlMetadata(c *gin.Context) error {
	slug := c.Param("slug")
	if slug == "" {
		slug = c.Query("org")
	}
	org, err := h.store.OrganizationBySlug(slug)
	if err != nil {
		return errNotFound("SAML service provider")
	}
	_, sp, refusal := h.samlProvider(org, true)
	if refusal != nil {
		return errNotFound("SAML service provider")
	}
	raw, err := sp.Metadata()
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "application/samlmetadata+xml", raw)
	return nil
}

// startSAML stores a pending sign-in (the AuthnRequest ID the answer must carry) and
// returns the identity provider's sign-on URL; the state token travels as RelayState.
func (h *ssoHandlers) startSAML(c *gin.Context, org *store.Organization, testBy string) (string, *identity.SSORefusal, error) {
	_, sp, refusal := h.samlProvider(org, testBy != "")
	if refusal != nil {
		return "", refusal, nil
	}
	token, err := crypto.RandomToken("ssos_", 32)
	if err != nil {
		return "", nil, err
	}
	to, requestID, err := sp.AuthnRequestURL(token)
	if err != nil {
		return "", nil, err
	}
	st := ssoState{OrgID: org.ID, Protocol: protocolSAML, RequestID: requestID, TestBy: testBy}
	if err := h.putSSOStepToken(token, challengeSSOState, st, ssoStateTTL); err != nil {
		return "", nil, err
	}
	return to, nil, nil
}

// samlLogin is GET /sso/{slug}/saml/login: the browser goes on to the identity provider.
func (h *ssoHandlers) samlLogin(c *gin.Context) error {
	return h.login(c, protocolSAML, h.startSAML)
}

// samlACS is POST /saml/{slug}/acs, the assertion consumer service. With a RelayState
// the response must answer the request that state names (taken once); without one it is
// IdP-initiated, accepted only when the organization allows it. A verified assertion's
// ID is remembered until it expires, so it is accepted once.
func (h *ssoHandlers) samlACS(c *gin.Context) error {
	org, err := h.orgBySlug(c)
	if err != nil {
		return err
	}
	refused := func(reason, msg string) error {
		return h.ssoRefused(c, org, protocolSAML, &identity.SSORefusal{Reason: reason, Message: msg})
	}
	st := ssoState{OrgID: org.ID, Protocol: protocolSAML}
	var requestIDs []string
	if relay := c.PostForm("RelayState"); relay != "" {
		if _, ok := h.takeSSOStep(relay, challengeSSOState, &st); !ok || st.OrgID != org.ID || st.Protocol != protocolSAML {
			return refused("state_mismatch", "This sign-in was not started here, was already used or has expired; start again.")
		}
		requestIDs = []string{st.RequestID}
	}
	s, sp, refusal := h.samlProvider(org, st.TestBy != "")
	if refusal != nil {
		return h.ssoRefused(c, org, protocolSAML, refusal)
	}
	if requestIDs == nil && !s.AllowIdPInitiated {
		return refused("idp_initiated_not_allowed", "This organization accepts only sign-ins started here (IdP-initiated sign-in is off).")
	}
	form := c.PostForm("SAMLResponse")
	if form == "" || len(form) > maxSAMLResponseBytes {
		return refused("assertion_invalid", "The request carries no SAMLResponse (or one too large).")
	}
	raw, err := base64.StdEncoding.DecodeString(form)
	if err != nil {
		return refused("assertion_invalid", "The SAMLResponse is not base64.")
	}
	a, err := sp.ParseResponse(raw, requestIDs)
	if err != nil {
		return h.ssoRefused(c, org, protocolSAML, asRefusal(err, "assertion_invalid"))
	}
	seen := crypto.Digest(org.ID + "/" + a.ID)
	if err := h.store.RememberOnce(challengeSAMLSeen, seen, a.NotOnOrAfter, h.now()); errors.Is(err, store.ErrConflict) {
		return refused("assertion_replayed", "This SAML assertion was already used.")
	} else if err != nil {
		return err
	}
	return h.finishSSO(c, org, s.SSOMapping, &st, a.Identity)
}

// putSSOStepToken is putSSOStep with the token chosen by the caller (SAML sends it as
// RelayState before the step is stored).
func (h *ssoHandlers) putSSOStepToken(token, purpose string, v any, ttl time.Duration) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return h.putChallengeToken(token, purpose, "", raw, ttl)
}
