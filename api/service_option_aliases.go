package api

import (
	"encoding/json"
	"strings"
)

// optionAliases maps the documentation's input names of options to ours (SPEC §12). A
// request may give them inside options or at the top of the service body; they are stored,
// answered and exported under our names only. A problem with a value given under an alias
// names the alias, as the client wrote it.
var optionAliases = map[string]string{
	"assert_status":        "expected_status",
	"assert_body_contains": "body_contains",
	"assert_jsonpath":      "json_path",
	"expiryWarningDays":    "ssl_warn_days",
}

// topOptionAliases are the option aliases given at the top of a service body (alias →
// raw value), or nil when there are none.
type topOptionAliases map[string]json.RawMessage

// has reports whether the body gave any option under an alias at its top.
func (t topOptionAliases) has() bool { return len(t) > 0 }

// topAliases collects the option aliases given at the top of the body.
func (r *serviceRequest) topAliases() topOptionAliases {
	out := topOptionAliases{}
	for alias, raw := range map[string]json.RawMessage{"assert_status": r.AssertStatus,
		"assert_body_contains": r.AssertBodyContains, "assert_jsonpath": r.AssertJSONPath,
		"expiryWarningDays": r.ExpiryWarningDays, "assert": r.Assert} {
		if raw != nil {
			out[alias] = raw
		}
	}
	return out
}

// resolveAliases renames the aliases among r.raw (given inside options) and in top (given
// at the top of the body) to our option names, remembering the field each came from for
// problem messages. An option given twice — under an alias and our name, or under both
// forms — is a problem of the alias. With replaceStored, r.raw holds the stored options
// (a PATCH that sends no options) and a top alias replaces the stored value instead.
func (r *optionReader) resolveAliases(top topOptionAliases, replaceStored bool) {
	for alias, ours := range optionAliases {
		if v, ok := r.raw[alias]; ok {
			delete(r.raw, alias)
			if _, dup := r.raw[ours]; dup {
				r.f.add("options."+alias, "is the same option as "+ours+": give one of them")
				continue
			}
			r.raw[ours], r.fields[ours] = v, "options."+alias
		}
	}
	for alias, v := range top {
		ours, renamed := optionAliases[alias]
		if !renamed {
			ours = alias // "assert": the documented top-level form of the option of that name
		}
		if _, dup := r.raw[ours]; dup && !replaceStored {
			r.f.add(alias, "is the same option as options."+ours+": give one of them")
			continue
		}
		r.raw[ours], r.fields[ours] = v, alias
	}
}

// field is the name a problem with option key (e.g. "json_path[0].value") is reported
// under: options.<key>, or the alias the client gave it under.
func (r *optionReader) field(key string) string {
	base := key
	if i := strings.IndexAny(key, ".["); i >= 0 {
		base = key[:i]
	}
	if f, ok := r.fields[base]; ok {
		return f + key[len(base):]
	}
	return "options." + key
}
