package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/textproto"
	"slices"
	"strings"
	"unicode"

	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// Auth types of a service (SPEC §3.6).
const (
	authBasic  = "basic"
	authBearer = "bearer"
	authHeader = "header"
)

// authRequest is the write-only auth object of a request. Configured is what responses show
// ({type, configured: true}); sent back without any credential field it means "keep the
// stored credential", so a client can PUT back what it read.
type authRequest struct {
	Type       string  `json:"type"`
	Username   *string `json:"username"`
	Password   *string `json:"password"`
	Token      *string `json:"token"`
	Name       *string `json:"name"`
	Value      *string `json:"value"`
	Configured *bool   `json:"configured"`
}

// authCredentials is a credential in plaintext (monitor.Credentials: the
// engine's probes consume the same type). It exists only in memory: sealed
// before it reaches the store, opened only for a probe.
type authCredentials = monitor.Credentials

// parseAuth validates a request's auth object. It returns the credential, or keepType set
// to the type when the object is the response form asking to keep the stored credential.
// Messages never quote a credential.
func parseAuth(f fieldErrors, raw json.RawMessage) (creds *authCredentials, keepType string) {
	var req authRequest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		f.add("auth", `must be an object: {"type":"basic","username","password"}, {"type":"bearer","token"} `+
			`or {"type":"header","name","value"}`)
		return nil, ""
	}
	c := &authCredentials{Type: strings.ToLower(strings.TrimSpace(req.Type))}
	if c.Type != authBasic && c.Type != authBearer && c.Type != authHeader {
		f.add("auth.type", "must be one of basic, bearer, header")
		return nil, ""
	}
	if req.Configured != nil && *req.Configured &&
		req.Username == nil && req.Password == nil && req.Token == nil && req.Name == nil && req.Value == nil {
		return nil, c.Type
	}
	// Each type takes its own fields only; a stray one is most likely a mistake.
	fields := map[string]*string{"username": req.Username, "password": req.Password, "token": req.Token,
		"name": req.Name, "value": req.Value}
	own := map[string][]string{authBasic: {"username", "password"}, authBearer: {"token"}, authHeader: {"name", "value"}}[c.Type]
	for name, v := range fields {
		if v != nil && !slices.Contains(own, name) {
			f.add("auth."+name, "is not used by "+c.Type+" auth")
		}
	}
	switch c.Type {
	case authBasic:
		c.Username, c.Password = deref(req.Username), deref(req.Password)
		switch {
		case c.Username == "":
			f.add("auth.username", "is required")
		case len(c.Username) > 256 || strings.ContainsAny(c.Username, ":\r\n\x00"):
			f.add("auth.username", "must be at most 256 bytes without a colon or line breaks")
		}
		if len(c.Password) > maxCredentialFieldBytes || strings.ContainsAny(c.Password, "\r\n\x00") {
			f.add("auth.password", "must be at most 4096 bytes without line breaks")
		}
	case authBearer:
		c.Token = deref(req.Token)
		switch {
		case c.Token == "":
			f.add("auth.token", "is required")
		case len(c.Token) > maxCredentialFieldBytes || strings.IndexFunc(c.Token, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			f.add("auth.token", "must be at most 4096 bytes without spaces or control characters")
		}
	case authHeader:
		c.Name, c.Value = strings.TrimSpace(deref(req.Name)), deref(req.Value)
		if !isHTTPToken(c.Name) || len(c.Name) > 256 {
			f.add("auth.name", "must be a header name (an HTTP token such as X-Api-Key)")
		}
		c.Name = textproto.CanonicalMIMEHeaderKey(c.Name)
		switch {
		case c.Value == "":
			f.add("auth.value", "is required")
		case len(c.Value) > maxCredentialFieldBytes || strings.ContainsAny(c.Value, "\r\n\x00"):
			f.add("auth.value", "must be at most 4096 bytes without line breaks")
		}
	}
	return c, ""
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// sealAuth seals a credential for service serviceID of orgID.
func (b *base) sealAuth(orgID, serviceID string, c *authCredentials) (*store.SealedAuth, error) {
	return monitor.SealAuth(b.sealer, orgID, serviceID, c)
}

// sealHeader seals one header value of service serviceID of orgID.
func (b *base) sealHeader(orgID, serviceID, name, value string) ([]byte, error) {
	sealed, err := b.sealer.Seal([]byte(value), orgID, monitor.HeaderRecordID(serviceID, name))
	if err != nil {
		return nil, fmt.Errorf("seal service header: %w", err)
	}
	return sealed, nil
}

// serviceCredentials is everything secret a probe of a service needs, in plaintext.
type serviceCredentials struct {
	Auth    *authCredentials  // nil when the service has none
	Headers map[string]string // canonical header name → value; never nil
}

// openCredentials opens the sealed credentials of service s of organization
// orgID (monitor.OpenCredentials, which the engine uses for every check).
func (b *base) openCredentials(orgID string, s *store.Service) (*serviceCredentials, error) {
	auth, headers, err := monitor.OpenCredentials(b.sealer, orgID, s)
	if err != nil {
		return nil, err
	}
	return &serviceCredentials{Auth: auth, Headers: headers}, nil
}
