package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/alertifypro/alertifypro/vault"
)

// Where a check may refer to an organization secret as {{secrets.NAME}}: its endpoint
// (the URL of HTTP and WebSocket checks), the body option, its header values and its auth
// credential. References are stored as written and resolved here, for each check, so a
// rotated secret is used from the next check on and no resolved value is ever stored.

// secretOption is the option whose text may hold references (the request body).
const secretOption = "body"

// ResolveSecrets replaces the references in t's endpoint, body option, headers and
// credential with the current values r holds for t.OrgID, and returns the values it put
// in by name (for RedactSecrets). A nil r leaves t as it is (an agent receives its targets
// resolved by the server). The first secret the organization no longer has is an
// *vault.UnknownSecretError; t is then partly resolved and must not be probed.
func ResolveSecrets(ctx context.Context, r vault.Resolver, t *Target) (map[string]string, error) {
	values := map[string]string{}
	if r == nil {
		return values, nil
	}
	// Each name is resolved once, so every field of one check sees the same value.
	resolve := func(s *string) error {
		for _, name := range vault.References(*s) {
			if _, ok := values[name]; ok {
				continue
			}
			v, err := r.Resolve(ctx, t.OrgID, "{{secrets."+name+"}}")
			if err != nil {
				return err
			}
			values[name] = v
		}
		v, err := vault.Expand(*s, vault.Lookup(values))
		if err == nil {
			*s = v
		}
		return err
	}
	if err := resolve(&t.Endpoint); err != nil {
		return nil, err
	}
	if err := resolveBodyOption(&t.Options, resolve); err != nil {
		return nil, err
	}
	if len(t.Headers) > 0 {
		headers := make(map[string]string, len(t.Headers))
		for name, value := range t.Headers {
			if err := resolve(&value); err != nil {
				return nil, err
			}
			headers[name] = value
		}
		t.Headers = headers // a copy: the caller's map is never written
	}
	if t.Auth != nil {
		auth := *t.Auth
		for _, field := range []*string{&auth.Username, &auth.Password, &auth.Token, &auth.Value} {
			if err := resolve(field); err != nil {
				return nil, err
			}
		}
		t.Auth = &auth
	}
	return values, nil
}

// minRedacted is the shortest value RedactSecrets replaces: shorter ones would garble
// ordinary words of a message more than they could reveal.
const minRedacted = 4

// RedactSecrets replaces each of values (by name) in text with its reference, so a
// probe's error that quotes what it sent (an invalid URL, say) is recorded and shown
// without the secret.
func RedactSecrets(text string, values map[string]string) string {
	for name, v := range values {
		if len(v) >= minRedacted {
			text = strings.ReplaceAll(text, v, "{{secrets."+name+"}}")
		}
	}
	return text
}

// resolveBodyOption resolves the references of the body option in the JSON options;
// options without references are left byte for byte as they are.
func resolveBodyOption(options *json.RawMessage, resolve func(*string) error) error {
	if len(*options) == 0 || len(vault.References(string(*options))) == 0 {
		return nil
	}
	var values map[string]json.RawMessage
	if err := json.Unmarshal(*options, &values); err != nil {
		return nil // not an object: nothing of ours to resolve (the probe reports it)
	}
	var body string
	if raw, ok := values[secretOption]; !ok || json.Unmarshal(raw, &body) != nil {
		return nil
	}
	if err := resolve(&body); err != nil {
		return err
	}
	encoded, err := json.Marshal(body)
	if err != nil {
		return err
	}
	values[secretOption] = encoded
	out, err := json.Marshal(values)
	if err != nil {
		return err
	}
	*options = out
	return nil
}

// secretFailure is the result of a check whose secrets could not be resolved: RED with
// "secret X was deleted" when the organization no longer has one it names (the check's
// own configuration is broken, so it alerts like any failure), or an internal RED when
// the store or the key failed (ours, never alerting).
func secretFailure(now time.Time, err error, logger *slog.Logger, serviceID string) Result {
	var unknown *vault.UnknownSecretError
	if errors.As(err, &unknown) {
		return failed(now, now, unknown.Error())
	}
	if logger != nil {
		logger.Error("service secrets could not be resolved", "service_id", serviceID, "error", err)
	}
	r := failed(now, now, "secrets could not be resolved")
	r.Internal = true
	return r
}
