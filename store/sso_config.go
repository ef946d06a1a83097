package store

import (
	"time"
)

// ssoConfigKey holds an organization's single sign-on configuration in its bucket
// (orgs/<orgID>/sso): one record, absent until an admin saves one (SPEC §10).
const ssoConfigKey = "sso"

// entitySSO names the record in ErrNotFound messages.
const entitySSO = "Single sign-on configuration"

// SSOConfig is an organization's single sign-on: an OpenID Connect provider, a SAML
// identity provider, or both, and whether password sign-in is refused to its members.
// Secrets (the OIDC client secret, the SAML SP private key) are sealed by the caller
// (AES-256-GCM, bound to the organization and the record); the store never sees them
// in the clear. It is left out of configuration export (SPEC §10).
type SSOConfig struct {
	OIDC *OIDCConfig `json:"oidc,omitempty"`
	SAML *SAMLConfig `json:"saml,omitempty"`
	// Enforced refuses password sign-in to members but owners (their break-glass).
	Enforced  bool      `json:"enforced,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SSOMapping is what both protocols share: which e-mail domains may sign in, the role
// of a new member, and group → role mapping.
type SSOMapping struct {
	AllowedDomains []string          `json:"allowed_domains"`
	DefaultRole    string            `json:"default_role"`
	GroupRoles     map[string]string `json:"group_roles,omitempty"`
}

// OIDCConfig is an OpenID Connect relying party registration.
type OIDCConfig struct {
	SSOMapping
	Issuer             string   `json:"issuer"`
	ClientID           string   `json:"client_id"`
	SealedClientSecret []byte   `json:"sealed_client_secret,omitempty"`
	Scopes             []string `json:"scopes"`
	GroupsClaim        string   `json:"groups_claim,omitempty"`
	Enabled            bool     `json:"enabled"`
}

// SAMLConfig is a SAML 2.0 identity provider and this organization's service provider
// key pair (the certificate is public; the key is sealed).
type SAMLConfig struct {
	SSOMapping
	IdPMetadataURL string `json:"idp_metadata_url,omitempty"`
	IdPMetadataXML string `json:"idp_metadata_xml"` // as fetched or given; what is used
	// IdPMetadataFetchedAt is when IdPMetadataXML was fetched from IdPMetadataURL (zero for
	// metadata given as XML); sign-ins fetch it again once it is a day old.
	IdPMetadataFetchedAt time.Time `json:"idp_metadata_fetched_at,omitzero"`
	SealedSPKey          []byte    `json:"sealed_sp_key"`
	SPCertificate        []byte    `json:"sp_certificate"` // DER
	EmailAttribute       string    `json:"email_attribute,omitempty"`
	NameAttribute        string    `json:"name_attribute,omitempty"`
	GroupsAttribute      string    `json:"groups_attribute,omitempty"`
	AllowIdPInitiated    bool      `json:"allow_idp_initiated"`
	Enabled              bool      `json:"enabled"`
}

// SSOConfig returns the organization's single sign-on configuration; an organization
// that never configured one has an empty record (not an error). ErrNotFound only when
// the organization does not exist.
func (db *DB) SSOConfig(orgID string) (*SSOConfig, error) {
	var cfg SSOConfig
	err := db.view(func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		if ob.Get([]byte(ssoConfigKey)) == nil {
			return nil
		}
		return getJSON(ob, []byte(ssoConfigKey), &cfg, entitySSO)
	})
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// UpdateSSOConfig loads the organization's configuration (empty if none), lets fn change
// it and stores it with change, in one transaction.
func (db *DB) UpdateSSOConfig(orgID string, fn func(*SSOConfig) error, change *Change) (*SSOConfig, error) {
	var cfg SSOConfig
	err := db.update(orgID, change, func(tx txn) error {
		ob, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		if ob.Get([]byte(ssoConfigKey)) != nil {
			if err := getJSON(ob, []byte(ssoConfigKey), &cfg, entitySSO); err != nil {
				return err
			}
		}
		if err := fn(&cfg); err != nil {
			return err
		}
		cfg.UpdatedAt = db.stamp()
		return putJSON(ob, []byte(ssoConfigKey), &cfg)
	})
	if err != nil {
		return nil, err
	}
	return &cfg, nil
}

// SSOConfigsWithDomain returns the IDs and slugs of organizations whose enabled OIDC or
// SAML configuration allows e-mail domain (lower case): sign-in discovery by e-mail.
func (db *DB) SSOConfigsWithDomain(domain string) ([]Organization, error) {
	orgs, err := db.Organizations()
	if err != nil {
		return nil, err
	}
	var out []Organization
	for _, o := range orgs {
		cfg, err := db.SSOConfig(o.ID)
		if err != nil {
			continue // deleted meanwhile
		}
		if (cfg.OIDC != nil && cfg.OIDC.Enabled && hasDomain(cfg.OIDC.AllowedDomains, domain)) ||
			(cfg.SAML != nil && cfg.SAML.Enabled && hasDomain(cfg.SAML.AllowedDomains, domain)) {
			out = append(out, o)
		}
	}
	return out, nil
}

func hasDomain(list []string, domain string) bool {
	for _, d := range list {
		if d == domain {
			return true
		}
	}
	return false
}
