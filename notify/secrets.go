package notify

import (
	"context"
	"errors"

	"github.com/alertifypro/alertifypro/vault"
)

// ResolveConfigSecrets returns a copy of a channel's opened config with every
// {{secrets.NAME}} reference in its strings (URL, headers, tokens, recipients) replaced
// by the secret's current value, at send time: the stored config keeps the references,
// so a rotated secret is used from the next delivery on. A nil r returns cfg as is. A
// secret the organization no longer has is a permanent error reading "secret NAME was
// deleted" (retrying cannot bring it back); a store failure is a retryable one.
func ResolveConfigSecrets(ctx context.Context, r vault.Resolver, orgID string, cfg map[string]any) (map[string]any, error) {
	if r == nil {
		return cfg, nil
	}
	resolved, err := vault.ResolveValue(ctx, r, orgID, cfg)
	var unknown *vault.UnknownSecretError
	switch {
	case errors.As(err, &unknown):
		return nil, permanent("%s", unknown.Error())
	case err != nil:
		return nil, &DeliveryError{Err: err}
	}
	return resolved.(map[string]any), nil
}
