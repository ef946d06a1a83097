package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// errSSORequired refuses a password sign-in to a member of an organization that
// enforces single sign-on.
func errSSORequired(org *store.Organization) *Error {
	return &Error{Status: http.StatusForbidden, Code: "sso_required",
		Message: "Your organization " + org.Name + " requires single sign-on: use \"Sign in with SSO\" (organization " + org.Slug + ")."}
}

// enforceSSO is the check of SPEC §10 for a sign-in that is not single sign-on (method
// "password" or "passkey"), run once the credential verified (so the answer tells
// nothing to someone without it): a member of an
// organization that enforces single sign-on is refused, unless they own it — an owner
// keeps the password as a break-glass, and its use is audited (auth.sso_break_glass)
// in every enforcing organization they own. A session is not tied to the organization it
// was issued for (?org= switches), so one enforcing organization refuses the password
// (and a password-less passkey, which the organization's identity provider does not
// govern either) for the whole account. API keys are not sign-ins and keep working.
func (h *base) enforceSSO(c *gin.Context, user *store.User, method string) error {
	orgs, err := h.store.UserOrganizations(user.ID)
	if err != nil {
		return err
	}
	var owned []*store.Organization
	setUserActor(c, user) // the password is proven: the entries name the account
	for i := range orgs {
		o := &orgs[i]
		cfg, err := h.store.SSOConfig(o.Organization.ID)
		if err != nil {
			return err
		}
		if !cfg.Enforced {
			continue
		}
		if o.Role != roleOwner {
			entry := h.auditEntry(c, "auth.sso_failed", userResource(user), map[string]any{"protocol": method, "reason": "sso_enforced"})
			if err := h.store.AppendAudit(o.Organization.ID, entry); err != nil {
				return err
			}
			return errSSORequired(&o.Organization)
		}
		owned = append(owned, &o.Organization)
	}
	for _, org := range owned {
		entry := h.auditEntry(c, "auth.sso_break_glass", userResource(user), map[string]any{"method": method})
		if err := h.store.AppendAudit(org.ID, entry); err != nil {
			return err
		}
	}
	return nil
}
