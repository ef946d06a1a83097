package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/identity"
	"github.com/alertifypro/alertifypro/store"
)

// maxSAMLMetadataBytes bounds identity-provider metadata, given or fetched: real ones are
// a few kilobytes; a multi-tenant federation file is not what one organization needs.
const maxSAMLMetadataBytes = 512 << 10

// samlConfigView is the SAML configuration as the API shows it, with what the identity
// provider needs from us (entity ID = metadata URL, ACS URL, certificate).
type samlConfigView struct {
	IdPMetadataURL    string            `json:"idp_metadata_url"`
	IdPMetadataXML    string            `json:"idp_metadata_xml"`
	IdPEntityID       string            `json:"idp_entity_id"`
	AllowedDomains    []string          `json:"allowed_domains"`
	DefaultRole       string            `json:"default_role"`
	GroupRoles        map[string]string `json:"group_roles"`
	EmailAttribute    string            `json:"email_attribute"`
	NameAttribute     string            `json:"name_attribute"`
	GroupsAttribute   string            `json:"groups_attribute"`
	AllowIdPInitiated bool              `json:"allow_idp_initiated"`
	Enabled           bool              `json:"enabled"`
	SPEntityID        string            `json:"sp_entity_id"`
	SPMetadataURL     string            `json:"sp_metadata_url"`
	ACSURL            string            `json:"acs_url"`
	SPCertificate     string            `json:"sp_certificate"` // PEM
	LoginURL          string            `json:"login_url"`
}

func (h *ssoHandlers) samlURLs(org *store.Organization) (metadata, acs string) {
	return h.ssoURL("/saml/" + org.Slug + "/metadata"), h.ssoURL("/saml/" + org.Slug + "/acs")
}

func (h *ssoHandlers) samlView(org *store.Organization, s *store.SAMLConfig) samlConfigView {
	md, acs := h.samlURLs(org)
	v := samlConfigView{SPEntityID: md, SPMetadataURL: md, ACSURL: acs, AllowedDomains: []string{},
		GroupRoles: map[string]string{}, DefaultRole: roleViewer, LoginURL: h.ssoURL("/api/v1/sso/" + org.Slug + "/saml/login")}
	if s == nil {
		return v
	}
	v.IdPMetadataURL, v.IdPMetadataXML, v.AllowedDomains, v.DefaultRole = s.IdPMetadataURL, s.IdPMetadataXML, s.AllowedDomains, s.DefaultRole
	v.EmailAttribute, v.NameAttribute, v.GroupsAttribute = s.EmailAttribute, s.NameAttribute, s.GroupsAttribute
	v.AllowIdPInitiated, v.Enabled, v.SPCertificate = s.AllowIdPInitiated, s.Enabled, identity.CertificatePEM(s.SPCertificate)
	v.IdPEntityID, _ = identity.ParseIdPMetadata([]byte(s.IdPMetadataXML))
	if s.GroupRoles != nil {
		v.GroupRoles = s.GroupRoles
	}
	return v
}

// samlConfigView shows the SAML form (ssoConfigView).
func (h *ssoHandlers) samlConfigView(org *store.Organization, cfg *store.SSOConfig) any {
	return h.samlView(org, cfg.SAML)
}

// getSAML is GET /organization/sso/saml.
func (h *ssoHandlers) getSAML(c *gin.Context) error { return h.showSSO(c, h.samlConfigView) }

// samlRequest is PUT /organization/sso/saml: the identity provider's metadata by URL
// (fetched now, through the egress guard) or as XML.
type samlRequest struct {
	ssoMappingRequest
	IdPMetadataURL    string `json:"idp_metadata_url"`
	IdPMetadataXML    string `json:"idp_metadata_xml"`
	EmailAttribute    string `json:"email_attribute"`
	NameAttribute     string `json:"name_attribute"`
	GroupsAttribute   string `json:"groups_attribute"`
	AllowIdPInitiated bool   `json:"allow_idp_initiated"`
	Enabled           bool   `json:"enabled"`
}

// putSAML is PUT /organization/sso/saml: checks the metadata, makes the organization's
// service-provider key pair on first save (the key sealed) and stores the configuration
// with sso.config_updated.
func (h *ssoHandlers) putSAML(c *gin.Context) error {
	var req samlRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	org := actorOf(c).org
	f := fieldErrors{}
	s := &store.SAMLConfig{SSOMapping: req.mapping(f), AllowIdPInitiated: req.AllowIdPInitiated, Enabled: req.Enabled,
		EmailAttribute:  f.text("email_attribute", req.EmailAttribute, false, 256),
		NameAttribute:   f.text("name_attribute", req.NameAttribute, false, 256),
		GroupsAttribute: f.text("groups_attribute", req.GroupsAttribute, false, 256)}
	xmlText := strings.TrimSpace(req.IdPMetadataXML)
	switch {
	case req.IdPMetadataURL != "" && xmlText != "":
		f.add("idp_metadata_url", "give the metadata URL or the metadata XML, not both")
	case req.IdPMetadataURL != "":
		s.IdPMetadataURL = h.outboundURL(f, "idp_metadata_url", req.IdPMetadataURL)
	case xmlText == "":
		f.add("idp_metadata_xml", "give the identity provider's metadata URL or XML")
	case len(xmlText) > maxSAMLMetadataBytes:
		f.add("idp_metadata_xml", fmt.Sprintf("at most %d KiB", maxSAMLMetadataBytes>>10))
	}
	if err := f.err(); err != nil {
		return err
	}
	field := "idp_metadata_xml"
	if s.IdPMetadataURL != "" {
		field = "idp_metadata_url"
		raw, err := h.fetchMetadata(c.Request.Context(), s.IdPMetadataURL)
		if err != nil {
			return errValidation(map[string]string{field: "cannot fetch the metadata: " + err.Error()})
		}
		xmlText = string(raw)
		s.IdPMetadataFetchedAt = h.now()
	}
	if _, err := identity.ParseIdPMetadata([]byte(xmlText)); err != nil {
		return errValidation(map[string]string{field: err.Error()})
	}
	s.IdPMetadataXML = xmlText
	old, err := h.store.SSOConfig(org.ID)
	if err != nil {
		return err
	}
	if old.SAML != nil && len(old.SAML.SealedSPKey) > 0 {
		s.SealedSPKey, s.SPCertificate = old.SAML.SealedSPKey, old.SAML.SPCertificate
	} else {
		md, _ := h.samlURLs(org)
		keyDER, certDER, err := identity.GenerateSAMLKeyPair(md, h.now())
		if err != nil {
			return err
		}
		if s.SealedSPKey, err = h.sealer.Seal(keyDER, org.ID, ssoSealSAMLKey); err != nil {
			return err
		}
		s.SPCertificate = certDER
	}
	meta := map[string]any{"protocol": "saml", "enabled": s.Enabled, "allow_idp_initiated": s.AllowIdPInitiated}
	return h.saveSSO(c, meta, func(cfg *store.SSOConfig) error {
		if cfg.SAML != nil && len(cfg.SAML.SealedSPKey) > 0 {
			s.SealedSPKey, s.SPCertificate = cfg.SAML.SealedSPKey, cfg.SAML.SPCertificate
		}
		cfg.SAML = s
		return nil
	}, h.samlConfigView)
}

// fetchMetadata GETs an identity provider's metadata through the egress guard, at most
// maxSAMLMetadataBytes.
func (h *ssoHandlers) fetchMetadata(ctx context.Context, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := h.ssoHTTPClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server answered %s", resp.Status)
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxSAMLMetadataBytes+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > maxSAMLMetadataBytes {
		return nil, fmt.Errorf("the metadata is larger than %d KiB", maxSAMLMetadataBytes>>10)
	}
	return raw, nil
}
