package vault

import (
	"context"
	"fmt"
	"strings"

	"github.com/alertifypro/alertifypro/store"
)

// recordPrefix starts the record IDs secret values are sealed under, so a secret's seal
// can never open as a service credential or a channel secret (their records start
// "service:" and "channel:").
const recordPrefix = "secret:"

// RecordID is the record a secret's value is sealed under (with its organization, the
// sealer's associated data): a sealed value copied to another name or organization does
// not open.
func RecordID(name string) string { return recordPrefix + name }

// Sealer seals a value bound to an organization and record (*crypto.Sealer).
type Sealer interface {
	Seal(plaintext []byte, orgID, recordID string) ([]byte, error)
}

// Opener opens a value sealed for an organization and record (*crypto.Sealer).
type Opener interface {
	Open(sealed []byte, orgID, recordID string) ([]byte, error)
}

// Seal seals value as secret name of organization orgID.
func Seal(s Sealer, orgID, name, value string) ([]byte, error) {
	sealed, err := s.Seal([]byte(value), orgID, RecordID(name))
	if err != nil {
		return nil, fmt.Errorf("seal secret %s: %w", name, err)
	}
	return sealed, nil
}

// SecretStore is what Vault reads (*store.DB).
type SecretStore interface {
	SecretsNamed(orgID string, names []string) (map[string]store.Secret, error)
	Secrets(orgID string) ([]store.Secret, error)
}

// Vault is the store-backed Resolver: it reads the named secrets of the organization in
// one transaction and opens their sealed values in memory, at the moment of use.
type Vault struct {
	Store  SecretStore
	Opener Opener
}

// Resolve replaces every reference in text with the secret's current value (Resolver).
// Text without references is returned as is, without reading the store.
func (v *Vault) Resolve(_ context.Context, orgID, text string) (string, error) {
	names := References(text)
	if len(names) == 0 {
		return text, nil
	}
	values, err := v.Values(orgID, names)
	if err != nil {
		return "", err
	}
	return Expand(text, Lookup(values))
}

// Values opens the named secrets of orgID; a name the organization lacks is absent from
// the answer. The error is a store or opening failure, and names the secret, never a value.
func (v *Vault) Values(orgID string, names []string) (map[string]string, error) {
	if len(names) == 0 {
		return map[string]string{}, nil
	}
	found, err := v.Store.SecretsNamed(orgID, names)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(found))
	for name, s := range found {
		plain, err := v.Opener.Open(s.Sealed, orgID, RecordID(name))
		if err != nil {
			return nil, fmt.Errorf("open secret %s: %w", name, err)
		}
		out[name] = string(plain)
	}
	return out, nil
}

// Lookup is Expand's lookup over values.
func Lookup(values map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := values[name]
		return v, ok
	}
}

// Version is a digest of which secrets organization orgID has and when each last
// changed: it changes whenever one is created, rotated or deleted, and says nothing of
// any value. The agent hub puts it in the fingerprint of assignments that may refer to
// secrets, so a rotation reaches agents at the next round.
func (v *Vault) Version(orgID string) (string, error) {
	list, err := v.Store.Secrets(orgID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, s := range list {
		fmt.Fprintf(&b, "%s@%d;", s.Name, s.UpdatedAt.UnixNano())
	}
	return b.String(), nil
}
