package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

type registerRequest struct {
	Email       string `json:"email"`
	Password    string `json:"password"`
	FullName    string `json:"full_name"`
	InviteToken string `json:"invite_token"`
}

// registerResponse is the 201 answer to a registration.
type registerResponse struct {
	tokenResponse
	User         userView            `json:"user"`
	Organization organizationSummary `json:"organization"`
}

// errInvalidInvitation is the answer for an unknown, used, expired or
// someone else's invitation token; they are not told apart.
func errInvalidInvitation() *Error {
	return errValidation(map[string]string{"invite_token": "is invalid or has expired"})
}

// register creates an account, its own organization ("<full_name>'s
// Organization", plan free — enterprise for the instance admin's —, the caller as owner) and, with an invite_token,
// the membership the invitation offers, all in one transaction.
//
// Without an invitation the token, org_id and organization of the answer are
// the new organization. With one they are the INVITING organization: the
// person followed a link to join that team and expects to land in it; their
// own organization stays reachable through the profile and ?org=.
func (h *authHandlers) register(c *gin.Context) error {
	d, err := h.guard.beginRegistration(clientBucket(c))
	setRateHeaders(c, d)
	if err != nil {
		return err
	}
	var req registerRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	email := f.email("email", req.Email)
	fullName := f.name("full_name", req.FullName, true, maxNameLen)
	if p := passwordProblem(req.Password); p != "" {
		f.add("password", p)
	}
	if err := f.err(); err != nil {
		return err
	}
	var digest []byte
	var invited *store.Invitation
	if req.InviteToken != "" {
		digest = crypto.Digest(req.InviteToken)
		var err error
		if invited, err = h.checkInvitation(digest, email); err != nil {
			return err
		}
	} else if free, err := h.freeRegistration(); err != nil {
		return err
	} else if !free {
		return errRegistrationClosed()
	}
	// A taken e-mail is refused before bcrypt spends anything on it; the
	// store checks again inside the transaction.
	if _, err := h.store.UserByEmail(email); err == nil {
		return errEmailTaken()
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// Hashing runs outside registerMu, so sign-ups do not queue behind
	// each other's bcrypt.
	hash, err := h.passwords.Hash(c.Request.Context(), req.Password)
	if err != nil {
		return err
	}
	user := &store.User{ID: store.NewID(), Email: email, FullName: fullName, PasswordHash: hash}
	name := fullName + "'s Organization"
	org := &store.Organization{Name: name, Slug: slugify(name), PlanType: planFree,
		MaxServices: limitsOf(planFree).MaxServices, Settings: store.DefaultOrgSettings()}
	setUserActor(c, user) // the new account is the actor of its own registration
	registered := audited(h.auditEntry(c, "auth.registered", userResource(user), nil))
	var joined *store.Change
	if invited != nil {
		// An invitation is never edited, only consumed or replaced, so the one checked
		// above is the one the store consumes (or the write fails).
		joined = audited(h.auditEntry(c, "member.added", userResource(user),
			map[string]any{"role": invited.Role, "via": "invitation", "invitation_id": invited.ID}))
	}
	inv, err := h.insert(user, org, digest, registered, joined)
	if err != nil {
		return err
	}
	return h.registered(c, user, org, inv)
}

// checkInvitation returns the live invitation digest names if it was issued
// to email, and answers 422 otherwise; unknown, expired and someone else's
// invitations are not told apart.
func (h *authHandlers) checkInvitation(digest []byte, email string) (*store.Invitation, error) {
	inv, err := h.store.InvitationByDigest(digest)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errInvalidInvitation()
	} else if err != nil {
		return nil, err
	}
	if !h.now().Before(inv.ExpiresAt) {
		return nil, errInvalidInvitation()
	}
	// An invitation for another address reads exactly like an unknown one,
	// so a leaked or guessed token reveals nothing (as accepting does).
	if !sameEmail(inv.Email, email) {
		return nil, errInvalidInvitation()
	}
	return inv, nil
}

// freeRegistration reports whether REGISTRATION_MODE lets someone register
// without an invitation right now.
func (h *authHandlers) freeRegistration() (bool, error) {
	switch h.cfg.RegistrationMode {
	case registrationOpen:
		return true, nil
	case registrationFirstUser:
		n, err := h.store.CountUsers()
		return n == 0, err
	default: // closed, and anything unexpected fails closed
		return false, nil
	}
}

// insert writes the account (and consumes the invitation when digest is
// set) with the audit entries registered (in the new organization) and
// joined (in the inviting one). In first-user mode it re-checks, under
// registerMu, that nobody registered since freeRegistration said yes.
func (h *authHandlers) insert(user *store.User, org *store.Organization, digest []byte, registered, joined *store.Change) (*store.Invitation, error) {
	owner := &store.Membership{Role: roleOwner}
	if digest != nil {
		inv, err := h.store.RegisterInvited(user, org, owner, digest, registered, joined)
		if errors.Is(err, store.ErrNotFound) {
			// Used or revoked meanwhile: told apart from no other bad invitation.
			return nil, errInvalidInvitation()
		}
		return inv, err
	}
	h.registerMu.Lock()
	defer h.registerMu.Unlock()
	if free, err := h.freeRegistration(); err != nil {
		return nil, err
	} else if !free {
		return nil, errRegistrationClosed()
	}
	return nil, h.store.RegisterFirstAs(user, org, owner, registered, unlimitedPlan)
}

// unlimitedPlan puts the instance admin's own first organization on enterprise (SPEC §2.2):
// a homelab install never meets a cap its only user would have to lift by hand.
func unlimitedPlan(org *store.Organization) {
	org.PlanType, org.MaxServices = planEnterprise, limitsOf(planEnterprise).MaxServices
}

// registered issues the token and answers 201.
func (h *authHandlers) registered(c *gin.Context, user *store.User, own *store.Organization, inv *store.Invitation) error {
	landing := own
	if inv != nil {
		invOrg, err := h.store.Organization(inv.OrgID)
		if err != nil {
			return err
		}
		landing = invOrg
	}
	token, err := h.tokens.Issue(user.ID, landing.ID, user.Email, user.TokenVersion)
	if err != nil {
		return err
	}
	c.JSON(http.StatusCreated, registerResponse{
		tokenResponse: tokenResponse{Token: token, UserID: user.ID, OrgID: landing.ID},
		User:          newUserView(user),
		Organization:  newOrganizationSummary(landing),
	})
	return nil
}

// errEmailTaken is the 409 for an e-mail that already has an account.
func errEmailTaken() *Error {
	return errConflict("An account with this e-mail address already exists.")
}
