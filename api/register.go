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

// register creates an account and, without an invite_token, its own organization
// ("<full_name>'s Organization", plan DEFAULT_PLAN — enterprise for the instance admin's —,
// the caller as owner), in one transaction. With an invite_token the account joins only the
// inviting organization with the invited role (SPEC §3.1): the person followed a link to
// join that team, and a spare organization of their own would only confuse them. The
// token, org_id and organization of the answer are the organization the account landed in.
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
	setUserActor(c, user) // the new account is the actor of its own registration
	registered := audited(h.auditEntry(c, "auth.registered", userResource(user), nil))
	if invited != nil {
		// An invitation is never edited, only consumed or replaced, so the one checked
		// above is the one the store consumes (or the write fails).
		joined := audited(h.auditEntry(c, "member.added", userResource(user),
			map[string]any{"role": invited.Role, "via": "invitation", "invitation_id": invited.ID}))
		inv, err := h.store.RegisterInvited(user, digest, registered, joined)
		if errors.Is(err, store.ErrNotFound) {
			// Used or revoked meanwhile: told apart from no other bad invitation.
			return errInvalidInvitation()
		} else if err != nil {
			return err
		}
		org, err := h.store.Organization(inv.OrgID)
		if err != nil {
			return err
		}
		return h.registered(c, user, org)
	}
	name := fullName + "'s Organization"
	plan := h.cfg.DefaultPlan
	if plan == "" {
		plan = planFree
	}
	org := &store.Organization{Name: name, Slug: slugify(name), PlanType: plan,
		MaxServices: limitsOf(plan).MaxServices, Settings: store.DefaultOrgSettings()}
	if err := h.insert(user, org, registered); err != nil {
		return err
	}
	return h.registered(c, user, org)
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

// insert writes the account and its own organization with the audit entry registered. In
// first-user mode it re-checks, under registerMu, that nobody registered since
// freeRegistration said yes.
func (h *authHandlers) insert(user *store.User, org *store.Organization, registered *store.Change) error {
	h.registerMu.Lock()
	defer h.registerMu.Unlock()
	if free, err := h.freeRegistration(); err != nil {
		return err
	} else if !free {
		return errRegistrationClosed()
	}
	return h.store.RegisterFirstAs(user, org, &store.Membership{Role: roleOwner}, registered, unlimitedPlan)
}

// unlimitedPlan puts the instance admin's own first organization on enterprise (SPEC §2.2):
// a homelab install never meets a cap its only user would have to lift by hand.
func unlimitedPlan(org *store.Organization) {
	org.PlanType, org.MaxServices = planEnterprise, limitsOf(planEnterprise).MaxServices
}

// registered issues the token for the organization the account landed in and answers 201.
func (h *authHandlers) registered(c *gin.Context, user *store.User, landing *store.Organization) error {
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
