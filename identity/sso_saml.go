package identity

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/crewjam/saml"
	"github.com/crewjam/saml/samlsp"
	dsig "github.com/russellhaering/goxmldsig"
)

// SAMLSettings are one organization's SAML 2.0 service provider (SPEC §10): its URLs
// (the entity ID is the metadata URL), its key pair, the identity provider's metadata and
// which attributes carry the e-mail, the name and the groups ("" picks the usual names).
type SAMLSettings struct {
	MetadataURL, ACSURL                            string
	KeyDER, CertDER                                []byte // PKCS #8 private key, certificate
	IdPMetadataXML                                 []byte
	EmailAttribute, NameAttribute, GroupsAttribute string
	AllowIdPInitiated                              bool
}

// SAMLServiceProvider wraps crewjam/saml's ServiceProvider with the checks we add:
// the clock is ours, and the attributes are mapped to an SSOIdentity.
type SAMLServiceProvider struct {
	sp       *saml.ServiceProvider
	settings SAMLSettings
}

// GenerateSAMLKeyPair makes a service provider's RSA-2048 key (PKCS #8 DER) and a
// self-signed certificate for it valid ten years from now, named after entityID.
func GenerateSAMLKeyPair(entityID string, now time.Time) (keyDER, certDER []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: truncateCN(entityID)},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(10, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	if certDER, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key); err != nil {
		return nil, nil, err
	}
	keyDER, err = x509.MarshalPKCS8PrivateKey(key)
	return keyDER, certDER, err
}

func truncateCN(s string) string {
	if len(s) > 64 { // X.509 upper bound of a common name
		return s[:64]
	}
	return s
}

// ParseIdPMetadata reads an identity provider's metadata and checks it can sign users in:
// an IDPSSODescriptor with a signing certificate and an HTTP-Redirect sign-on URL. It
// returns the IdP's entity ID.
func ParseIdPMetadata(raw []byte) (string, error) {
	ed, err := samlsp.ParseMetadata(raw)
	if err != nil {
		return "", fmt.Errorf("the metadata is not SAML 2.0 metadata: %w", err)
	}
	if len(ed.IDPSSODescriptors) == 0 {
		return "", errors.New("the metadata describes no identity provider (IDPSSODescriptor)")
	}
	hasCert := false
	for _, kd := range ed.IDPSSODescriptors[0].KeyDescriptors {
		hasCert = hasCert || ((kd.Use == "" || kd.Use == "signing") && len(kd.KeyInfo.X509Data.X509Certificates) > 0)
	}
	if !hasCert {
		return "", errors.New("the metadata names no signing certificate: signed assertions could not be checked")
	}
	sp := saml.ServiceProvider{IDPMetadata: ed}
	if sp.GetSSOBindingLocation(saml.HTTPRedirectBinding) == "" {
		return "", errors.New("the identity provider offers no HTTP-Redirect sign-on URL")
	}
	return ed.EntityID, nil
}

// NewSAMLServiceProvider builds the service provider of s.
func NewSAMLServiceProvider(s SAMLSettings, now time.Time) (*SAMLServiceProvider, error) {
	k, err := x509.ParsePKCS8PrivateKey(s.KeyDER)
	if err != nil {
		return nil, fmt.Errorf("service provider key: %w", err)
	}
	key, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("service provider key is not RSA")
	}
	cert, err := x509.ParseCertificate(s.CertDER)
	if err != nil {
		return nil, fmt.Errorf("service provider certificate: %w", err)
	}
	ed, err := samlsp.ParseMetadata(s.IdPMetadataXML)
	if err != nil {
		return nil, fmt.Errorf("identity provider metadata: %w", err)
	}
	mdURL, err := url.Parse(s.MetadataURL)
	if err != nil {
		return nil, err
	}
	acsURL, err := url.Parse(s.ACSURL)
	if err != nil {
		return nil, err
	}
	sp := &saml.ServiceProvider{EntityID: s.MetadataURL, Key: key, Certificate: cert, MetadataURL: *mdURL, AcsURL: *acsURL,
		IDPMetadata: ed, AllowIDPInitiated: s.AllowIdPInitiated, Clock: dsig.NewFakeClockAt(now),
		AuthnNameIDFormat:                saml.EmailAddressNameIDFormat,
		AssertionConsumerServiceBindings: []string{saml.HTTPPostBinding}}
	return &SAMLServiceProvider{sp: sp, settings: s}, nil
}

// Metadata is the service provider's metadata document.
func (p *SAMLServiceProvider) Metadata() ([]byte, error) {
	return xml.MarshalIndent(p.sp.Metadata(), "", "  ")
}

// AuthnRequestURL is where the browser goes to sign in at the identity provider, and the
// request's ID, which the response must answer (InResponseTo).
func (p *SAMLServiceProvider) AuthnRequestURL(relayState string) (string, string, error) {
	req, err := p.sp.MakeAuthenticationRequest(p.sp.GetSSOBindingLocation(saml.HTTPRedirectBinding),
		saml.HTTPRedirectBinding, saml.HTTPPostBinding)
	if err != nil {
		return "", "", err
	}
	u, err := req.Redirect(relayState, p.sp)
	if err != nil {
		return "", "", err
	}
	return u.String(), req.ID, nil
}

// SAMLAssertion is a verified assertion: who it names, its ID (for the replay cache) and
// until when it is valid.
type SAMLAssertion struct {
	Identity     *SSOIdentity
	ID           string
	NotOnOrAfter time.Time
}

// ParseResponse verifies a SAMLResponse (XML, decoded from base64): signature by the
// identity provider's certificate (on the response or the assertion), audience (our
// entity ID), recipient and destination (our ACS URL), the time window, and that it
// answers one of requestIDs (none: an IdP-initiated response, refused unless allowed).
func (p *SAMLServiceProvider) ParseResponse(raw []byte, requestIDs []string) (*SAMLAssertion, error) {
	acs := p.sp.AcsURL
	a, err := p.sp.ParseXMLResponse(raw, requestIDs, acs)
	if err != nil {
		return nil, samlRefusal(err)
	}
	id := &SSOIdentity{
		Email:  firstValue(a, p.settings.EmailAttribute, "email", "mail", "emailaddress", "urn:oid:0.9.2342.19200300.100.1.3", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"),
		Name:   firstValue(a, p.settings.NameAttribute, "name", "displayName", "cn", "urn:oid:2.5.4.3", "urn:oid:2.16.840.1.113730.3.1.241", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"),
		Groups: values(a, p.settings.GroupsAttribute, "groups", "memberOf", "eduPersonAffiliation", "urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"),
	}
	if id.Email == "" && a.Subject != nil && a.Subject.NameID != nil && strings.Contains(a.Subject.NameID.Value, "@") {
		id.Email = a.Subject.NameID.Value
	}
	out := &SAMLAssertion{Identity: id, ID: a.ID, NotOnOrAfter: p.sp.Clock.Now().Add(time.Hour)}
	if a.Conditions != nil && !a.Conditions.NotOnOrAfter.IsZero() {
		out.NotOnOrAfter = a.Conditions.NotOnOrAfter.Add(saml.MaxClockSkew)
	}
	return out, nil
}

// samlRefusal words the library's error: its Error() is deliberately vague, the private
// error says what failed.
func samlRefusal(err error) *SSORefusal {
	detail := err.Error()
	var ire *saml.InvalidResponseError
	if errors.As(err, &ire) && ire.PrivateErr != nil {
		detail = ire.PrivateErr.Error()
	}
	d := strings.ToLower(detail)
	reason := "assertion_invalid"
	switch {
	case strings.Contains(d, "signature") || strings.Contains(d, "digest"):
		reason = "signature_invalid"
	case strings.Contains(d, "expired") || strings.Contains(d, "notonorafter") || strings.Contains(d, "not yet valid") || strings.Contains(d, "notbefore"):
		reason = "assertion_expired"
	case strings.Contains(d, "audience"):
		reason = "audience_mismatch"
	case strings.Contains(d, "destination") || strings.Contains(d, "recipient"):
		reason = "recipient_mismatch"
	case strings.Contains(d, "inresponseto") || strings.Contains(d, "idp initiated") || strings.Contains(d, "idp-initiated"):
		reason = "idp_initiated_not_allowed"
	}
	return &SSORefusal{Reason: reason, Message: "The SAML response does not hold: " + truncateDetail(detail)}
}

func truncateDetail(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// values returns the values of the first attribute named (Name or FriendlyName) by
// configured, or else by any of the usual names.
func values(a *saml.Assertion, configured string, usual ...string) []string {
	names := usual
	if configured != "" {
		names = []string{configured}
	}
	for _, st := range a.AttributeStatements {
		for _, n := range names {
			for _, at := range st.Attributes {
				if strings.EqualFold(at.Name, n) || (at.FriendlyName != "" && strings.EqualFold(at.FriendlyName, n)) {
					out := make([]string, 0, len(at.Values))
					for _, v := range at.Values {
						if s := strings.TrimSpace(v.Value); s != "" {
							out = append(out, s)
						}
					}
					return out
				}
			}
		}
	}
	return nil
}

func firstValue(a *saml.Assertion, configured string, usual ...string) string {
	if v := values(a, configured, usual...); len(v) > 0 {
		return v[0]
	}
	return ""
}

// CertificatePEM is a DER certificate in PEM, as admins paste it into their provider.
func CertificatePEM(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
