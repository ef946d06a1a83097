// Package vault holds an organization's secrets (docs: Settings → Secrets) and the
// `{{secrets.NAME}}` references that check, channel and audit-streaming settings make to
// them. A reference is stored as written and resolved only at use, so a rotated secret is
// used from the next use on and no resolved value is ever stored.
package vault

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// refPattern matches one reference; blanks inside the braces are allowed, as template
// users type them.
var refPattern = regexp.MustCompile(`\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}`)

// refStart is where a reference begins, well-formed or not; anchoredRef is a well-formed
// one at the start of a text.
var (
	refStart    = regexp.MustCompile(`\{\{\s*secrets\.`)
	anchoredRef = regexp.MustCompile(`^` + refPattern.String())
)

// Malformed returns the first piece of text that begins as a reference does ("{{secrets.")
// but is not one — "{{secrets.api-token}}", "{{ secrets.A B }}" — or "" when there is
// none. Such text would be used literally (a target would get "{{secrets.api-token}}" as
// its token), so settings that accept references refuse it; other {{…}} text is left
// alone, since bodies and URLs may hold braces of their own.
func Malformed(text string) string {
	for _, loc := range refStart.FindAllStringIndex(text, -1) {
		rest := text[loc[0]:]
		if anchoredRef.MatchString(rest) {
			continue
		}
		if end := strings.Index(rest, "}}"); end >= 0 && end <= 80 {
			return rest[:end+2]
		}
		return strings.ToValidUTF8(rest[:min(len(rest), 40)], "") + "…"
	}
	return ""
}

// namePattern is what a secret's name may be: upper-case letters, digits and underscores,
// 1 to 64 of them.
var namePattern = regexp.MustCompile(`^[A-Z0-9_]{1,64}$`)

// ValidName reports whether name may name a secret.
func ValidName(name string) bool { return namePattern.MatchString(name) }

// References returns the distinct secret names text refers to, in order of first use.
func References(text string) []string {
	var names []string
	seen := map[string]bool{}
	for _, m := range refPattern.FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	return names
}

// UnknownSecretError is a reference to a secret the organization does not have (any more).
type UnknownSecretError struct{ Name string }

// Error says which secret is missing, in the words a check result shows.
func (e *UnknownSecretError) Error() string { return fmt.Sprintf("secret %s was deleted", e.Name) }

// Expand replaces every reference in text with lookup's value for it; the first name
// lookup does not know is an *UnknownSecretError and nothing is expanded.
func Expand(text string, lookup func(name string) (string, bool)) (string, error) {
	var missing error
	out := refPattern.ReplaceAllStringFunc(text, func(ref string) string {
		name := refPattern.FindStringSubmatch(ref)[1]
		v, ok := lookup(name)
		if !ok && missing == nil {
			missing = &UnknownSecretError{Name: name}
		}
		return v
	})
	if missing != nil {
		return "", missing
	}
	return out, nil
}

// Resolver resolves references for one organization at the moment of use. The store-backed
// implementation opens the sealed values; other packages (checks, channels, audit
// streaming) depend only on this interface.
type Resolver interface {
	// Resolve returns text with every reference replaced by the secret's current value,
	// or an *UnknownSecretError naming the first secret the organization does not have.
	Resolve(ctx context.Context, orgID, text string) (string, error)
}
