package monitor

import (
	"encoding/json"
	"fmt"

	"github.com/alertifypro/alertifypro/store"
)

// Opener opens a sealed value bound to an organization and record
// (*crypto.Sealer satisfies it).
type Opener interface {
	Open(sealed []byte, orgID, recordID string) ([]byte, error)
}

// Sealer seals a value bound to an organization and record.
type Sealer interface {
	Seal(plaintext []byte, orgID, recordID string) ([]byte, error)
}

// credentialRecordPrefix starts the record IDs service credentials are
// sealed under, so a service seal can never open as another kind of record.
const credentialRecordPrefix = "service:"

// AuthRecordID is the record a service's auth credential is sealed under
// (with its organization): a copy moved to another service or organization
// does not open.
func AuthRecordID(serviceID string) string { return credentialRecordPrefix + serviceID + ":auth" }

// HeaderRecordID binds a secret header value to its service and canonical
// header name.
func HeaderRecordID(serviceID, name string) string {
	return credentialRecordPrefix + serviceID + ":header:" + name
}

// SealAuth seals a credential (as one JSON document) for a service.
func SealAuth(s Sealer, orgID, serviceID string, c *Credentials) (*store.SealedAuth, error) {
	plain, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	sealed, err := s.Seal(plain, orgID, AuthRecordID(serviceID))
	if err != nil {
		return nil, fmt.Errorf("seal service auth: %w", err)
	}
	return &store.SealedAuth{Type: c.Type, Sealed: sealed}, nil
}

// OpenCredentials opens a service's sealed auth credential (nil when it has
// none) and secret header values (never nil). It fails when any seal was not
// made for this organization, service and field.
func OpenCredentials(o Opener, orgID string, s *store.Service) (*Credentials, map[string]string, error) {
	headers := make(map[string]string, len(s.SealedHeaders))
	var auth *Credentials
	if s.Auth != nil {
		plain, err := o.Open(s.Auth.Sealed, orgID, AuthRecordID(s.ID))
		if err != nil {
			return nil, nil, fmt.Errorf("open auth of service %s: %w", s.ID, err)
		}
		auth = new(Credentials)
		if err := json.Unmarshal(plain, auth); err != nil {
			return nil, nil, fmt.Errorf("decode auth of service %s: %w", s.ID, err)
		}
	}
	for name, sealed := range s.SealedHeaders {
		plain, err := o.Open(sealed, orgID, HeaderRecordID(s.ID, name))
		if err != nil {
			return nil, nil, fmt.Errorf("open header %s of service %s: %w", name, s.ID, err)
		}
		headers[name] = string(plain)
	}
	return auth, headers, nil
}
