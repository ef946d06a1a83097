package identity

import (
	"fmt"
	"sort"
	"strings"
)

// SSOIdentity is who an identity provider says signed in, as both protocols map it: the
// e-mail (verified by the provider), a display name and the groups it lists.
type SSOIdentity struct {
	Email  string   `json:"email"`
	Name   string   `json:"name"`
	Groups []string `json:"groups"`
}

// SSORefusal is a sign-in the provider completed but this organization refuses (or a
// provider answer that does not hold): Reason is the audit log's word, Message the
// person's.
type SSORefusal struct {
	Reason  string
	Message string
}

func (r *SSORefusal) Error() string { return r.Reason + ": " + r.Message }

func refuse(reason, format string, args ...any) *SSORefusal {
	return &SSORefusal{Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// EmailDomain returns the lower-case domain of an e-mail address, "" when it has none.
func EmailDomain(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at < 1 || at == len(email)-1 {
		return ""
	}
	return strings.ToLower(email[at+1:])
}

// CheckDomain refuses an identity whose e-mail domain is not one of allowed (lower case).
func CheckDomain(id *SSOIdentity, allowed []string) error {
	d := EmailDomain(id.Email)
	if d == "" {
		return refuse("email_missing", "The identity provider sent no usable e-mail address.")
	}
	for _, a := range allowed {
		if a == d {
			return nil
		}
	}
	return refuse("email_domain_not_allowed",
		"The e-mail domain %q is not allowed to sign in to this organization.", d)
}

// MapRole picks the role of an identity: the highest role any of its groups maps to, or
// defaultRole when none does. rank orders roles (higher wins).
func MapRole(groups []string, groupRoles map[string]string, defaultRole string, rank func(string) int) string {
	role, best := defaultRole, -1
	names := append([]string(nil), groups...)
	sort.Strings(names) // the same answer whatever order the provider lists them in
	for _, g := range names {
		if r, ok := groupRoles[g]; ok && rank(r) > best {
			role, best = r, rank(r)
		}
	}
	return role
}

// NormalizeDomains lower-cases and trims domains and reports the first that is not a
// plain host name ("" when all are).
func NormalizeDomains(in []string) ([]string, string) {
	out := make([]string, 0, len(in))
	for _, d := range in {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" || strings.ContainsAny(d, "@/:* ") || !strings.Contains(d, ".") {
			return nil, d
		}
		out = append(out, d)
	}
	return out, ""
}
