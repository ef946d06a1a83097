// Package auditstream delivers every audit entry of an organization to the destinations
// it streams to — Splunk HEC, Datadog logs, Elastic _bulk and a signed webhook — in
// commit order, batched, with retries that never skip ahead (README: "Audit-log retention
// and streaming"). The store keeps each destination's cursor (store.AuditStream); the
// Streamer moves it only after the receiver accepted a batch.
package auditstream

import (
	"fmt"
	neturl "net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/alertifypro/alertifypro/vault"
)

// Destination types.
const (
	TypeSplunkHEC = "splunk_hec"
	TypeDatadog   = "datadog"
	TypeElastic   = "elastic"
	TypeWebhook   = "webhook"
)

// Types lists the destination types in the order the UI offers them.
var Types = []string{TypeSplunkHEC, TypeDatadog, TypeElastic, TypeWebhook}

// field is one setting of a destination type.
type field struct {
	name     string
	secret   bool // sealed, write-only, masked on read; may be a {{secrets.NAME}} reference
	required bool
}

// fields are each type's settings besides the URL.
var fields = map[string][]field{
	TypeSplunkHEC: {{name: "token", secret: true, required: true}, {name: "index"}, {name: "source"}, {name: "sourcetype"}, {name: "host"}},
	TypeDatadog:   {{name: "api_key", secret: true, required: true}, {name: "site"}, {name: "service"}, {name: "tags"}},
	TypeElastic:   {{name: "index", required: true}, {name: "api_key", secret: true}, {name: "username"}, {name: "password", secret: true}},
	TypeWebhook:   {{name: "secret", secret: true, required: true}},
}

// DatadogSites are the Datadog sites a destination may name (docs.datadoghq.com: "Getting
// started with Datadog sites"); the logs intake is https://http-intake.logs.<site>.
var DatadogSites = []string{"datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ap2.datadoghq.com", "ddog-gov.com"}

// defaultDatadogSite is the site of a destination that names none (US1).
const defaultDatadogSite = "datadoghq.com"

// URLRequired reports whether typ needs a URL: every type but Datadog, whose intake URL
// follows from its site (a URL overrides it, for a proxy or a relay).
func URLRequired(typ string) bool { return typ != TypeDatadog }

// KnownType reports whether typ is a destination type.
func KnownType(typ string) bool { return slices.Contains(Types, typ) }

// IsSecret reports whether name is a secret field of typ.
func IsSecret(typ, name string) bool {
	for _, f := range fields[typ] {
		if f.name == name {
			return f.secret
		}
	}
	return false
}

// Fields lists the setting names of typ (secret or not).
func Fields(typ string) []string {
	out := make([]string, 0, len(fields[typ]))
	for _, f := range fields[typ] {
		out = append(out, f.name)
	}
	return out
}

// maxSettingLen bounds every setting (bytes).
const maxSettingLen = 1024

// plainSetting is what a non-secret setting may hold: printable, one line.
var plainSetting = regexp.MustCompile(`^[^\x00-\x1f\x7f]*$`)

// Validate checks the settings of a destination of type typ, given as the caller will
// store them: settings are the plain ones, secrets the secret ones (a secret kept from
// before is passed as a non-empty placeholder). It returns the problems by field name.
func Validate(typ string, settings, secrets map[string]string) map[string]string {
	problems := map[string]string{}
	for name, v := range settings {
		switch {
		case IsSecret(typ, name) || !slices.Contains(Fields(typ), name):
			problems[name] = "is not a setting of " + typ + " (settings: " + strings.Join(Fields(typ), ", ") + ")"
		case len(v) > maxSettingLen:
			problems[name] = fmt.Sprintf("must be at most %d bytes", maxSettingLen)
		case !plainSetting.MatchString(v):
			problems[name] = "must be a single line of printable characters"
		}
	}
	for name, v := range secrets {
		if !IsSecret(typ, name) {
			problems[name] = "is not a setting of " + typ
			continue
		}
		if msg := CheckSecretValue(v); msg != "" {
			problems[name] = msg
		}
	}
	for _, f := range fields[typ] {
		v := settings[f.name]
		if f.secret {
			v = secrets[f.name]
		}
		if f.required && strings.TrimSpace(v) == "" {
			problems[f.name] = "is required"
		}
	}
	switch typ {
	case TypeDatadog:
		if s := settings["site"]; s != "" && !slices.Contains(DatadogSites, s) {
			problems["site"] = "must be one of " + strings.Join(DatadogSites, ", ")
		}
	case TypeElastic:
		if (settings["username"] == "") != (secrets["password"] == "") {
			problems["password"] = "username and password go together"
		}
		if secrets["api_key"] != "" && settings["username"] != "" {
			problems["api_key"] = "give an API key or a username and password, not both"
		}
		if ix := settings["index"]; ix != "" && !validIndex(ix) {
			problems["index"] = "must be a lower-case Elasticsearch index or data stream name"
		}
	}
	return problems
}

// elasticIndex is what Elasticsearch accepts as an index name (lower case, no \ / * ? " <
// > | space , #, not starting with - _ +).
var elasticIndex = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,254}$`)

func validIndex(s string) bool { return elasticIndex.MatchString(s) && s != "." && s != ".." }

// anyBraces finds what looks like a template reference, well-formed or not.
var anyBraces = regexp.MustCompile(`\{\{[^}]*\}\}|\{\{`)

// CheckSecretValue checks a credential as written: one line, at most 1 KiB, and every
// {{…}} in it a well-formed {{secrets.NAME}} reference with a valid name. It returns ""
// or the problem.
func CheckSecretValue(v string) string {
	switch {
	case len(v) > maxSettingLen:
		return fmt.Sprintf("must be at most %d bytes", maxSettingLen)
	case strings.ContainsAny(v, "\r\n\x00"):
		return "must be a single line"
	case strings.TrimSpace(v) != v:
		return "must not begin or end with white space"
	}
	refs := vault.References(v)
	for _, name := range refs {
		if !vault.ValidName(name) {
			return "secret name " + name + " must be upper-case letters, digits and _ (at most 64)"
		}
	}
	// Whatever is left of braces once the references are taken out is a malformed one.
	rest := v
	for _, name := range refs {
		rest = regexp.MustCompile(`\{\{\s*secrets\.`+regexp.QuoteMeta(name)+`\s*\}\}`).ReplaceAllString(rest, "")
	}
	if anyBraces.MatchString(rest) {
		return "has a malformed secret reference; write {{secrets.NAME}}"
	}
	return ""
}

// IntakeURL is the URL a destination posts to: the Datadog logs intake of its site when
// it has no URL of its own; a Splunk collector's event endpoint when its URL has no path;
// an Elastic cluster's _bulk endpoint (in the path, before any query string); else url
// as given. The API shows it, so the address a receiver sees is the one on the page.
func IntakeURL(typ, url string, settings map[string]string) string {
	switch {
	case typ == TypeDatadog && url == "":
		site := settings["site"]
		if site == "" {
			site = defaultDatadogSite
		}
		return "https://http-intake.logs." + site + "/api/v2/logs"
	case typ == TypeSplunkHEC:
		return withPath(url, func(p string) string {
			if p == "" || p == "/" {
				return "/services/collector/event"
			}
			return p
		})
	case typ == TypeElastic:
		return withPath(url, func(p string) string {
			if p = strings.TrimSuffix(p, "/"); !strings.HasSuffix(p, "/_bulk") {
				p += "/_bulk"
			}
			return p
		})
	}
	return url
}

// withPath is raw with its path rewritten by f (the escaped form too, when the URL has
// one); a URL that does not parse is returned as it is, for validation to refuse.
func withPath(raw string, f func(string) string) string {
	u, err := neturl.Parse(raw)
	if raw == "" || err != nil {
		return raw
	}
	u.Path = f(u.Path)
	if u.RawPath != "" {
		u.RawPath = f(u.RawPath)
	}
	return u.String()
}
