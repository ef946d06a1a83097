package vault

import (
	"context"
	"strconv"
)

// A channel's config is a JSON document (strings, lists, maps of header values), and a
// reference may sit in any of its strings. Walk and ResolveValue visit every string of
// such a value, so the save-time check names the exact field and the send-time resolution
// misses none.

// Walk calls fn with the path ("headers.Authorization", "to[1]") and text of every string
// in v, a decoded JSON value (map[string]any, []any, string, ...); prefix starts every path.
func Walk(v any, prefix string, fn func(path, text string)) {
	switch x := v.(type) {
	case string:
		fn(prefix, x)
	case map[string]any:
		for k, child := range x {
			Walk(child, join(prefix, k), fn)
		}
	case []any:
		for i, child := range x {
			Walk(child, prefix+"["+strconv.Itoa(i)+"]", fn)
		}
	case []string:
		for i, child := range x {
			fn(prefix+"["+strconv.Itoa(i)+"]", child)
		}
	case map[string]string:
		for k, child := range x {
			fn(join(prefix, k), child)
		}
	}
}

// join appends key to a dotted path.
func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// ResolveValue returns a copy of v, a decoded JSON value, with every reference in every
// string resolved by r for organization orgID; v itself is not changed. The first
// failure (an *UnknownSecretError for a deleted secret) is returned.
func ResolveValue(ctx context.Context, r Resolver, orgID string, v any) (any, error) {
	switch x := v.(type) {
	case string:
		return r.Resolve(ctx, orgID, x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, child := range x {
			resolved, err := ResolveValue(ctx, r, orgID, child)
			if err != nil {
				return nil, err
			}
			out[k] = resolved
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, child := range x {
			resolved, err := ResolveValue(ctx, r, orgID, child)
			if err != nil {
				return nil, err
			}
			out[i] = resolved
		}
		return out, nil
	case []string:
		out := make([]string, len(x))
		for i, child := range x {
			resolved, err := r.Resolve(ctx, orgID, child)
			if err != nil {
				return nil, err
			}
			out[i] = resolved
		}
		return out, nil
	case map[string]string:
		out := make(map[string]string, len(x))
		for k, child := range x {
			resolved, err := r.Resolve(ctx, orgID, child)
			if err != nil {
				return nil, err
			}
			out[k] = resolved
		}
		return out, nil
	}
	return v, nil
}
