package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

const (
	// invitationTTL is how long an invitation link works (SPEC §3.4).
	invitationTTL = 7 * 24 * time.Hour
	// invitationMailTimeout bounds the SMTP exchange inside the request.
	invitationMailTimeout = 10 * time.Second
	// invitePath is the admin UI route that reads ?token= and offers to
	// register (POST /auth/register with invite_token) or, when signed in,
	// to accept (POST /invitations/accept).
	invitePath = "/invite"
)

// invitationView is an invitation as admins see it: never its token or
// digest, which would let anyone who reads the list join.
type invitationView struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	Status    string `json:"status"` // invited | expired
	InvitedBy string `json:"invited_by"`
	// InvitedByName names the inviter (null when the account is gone).
	InvitedByName *string   `json:"invited_by_name"`
	CreatedAt     time.Time `json:"created_at"`
	ExpiresAt     time.Time `json:"expires_at"`
}

func newInvitationView(inv *store.Invitation, now time.Time) invitationView {
	status := "invited"
	if !now.Before(inv.ExpiresAt) {
		status = "expired"
	}
	return invitationView{ID: inv.ID, Email: inv.Email, Role: inv.Role, Status: status,
		InvitedBy: inv.InvitedBy, CreatedAt: inv.CreatedAt.UTC(), ExpiresAt: inv.ExpiresAt.UTC()}
}

// inviteURL is the link the invitee opens: BASE_URL + /invite?token=...
func inviteURL(baseURL, token string) string {
	return strings.TrimRight(baseURL, "/") + invitePath + "?token=" + url.QueryEscape(token)
}

// invite creates an invitation for an e-mail without an account. Only the
// token's digest is stored; the token itself is in the returned link (and
// the e-mail), once.
func (h *memberHandlers) invite(c *gin.Context, email, role string) error {
	a := actorOf(c)
	token, err := crypto.RandomToken("inv_", 32)
	if err != nil {
		return err
	}
	now := h.now().UTC()
	inv := &store.Invitation{ID: store.NewID(), Email: email, Role: role, InvitedBy: a.user.ID, Digest: crypto.Digest(token),
		CreatedAt: now, ExpiresAt: now.Add(invitationTTL)}
	entry := h.auditEntry(c, "member.invited", store.AuditResource{Type: "invitation", ID: inv.ID, Name: email},
		map[string]any{"role": role, "expires_at": inv.ExpiresAt})
	event := h.webhookEvent("member.invited", memberEvent(c, map[string]any{"invitation_id": inv.ID, "email": email,
		"role": role, "status": "invited", "expires_at": inv.ExpiresAt}))
	if err := h.store.CreateInvitation(a.org.ID, inv, audited(entry, event)); err != nil {
		return err
	}
	link := inviteURL(h.cfg.BaseURL, token)
	sent := h.mailInvitation(c, inv, link)
	c.JSON(http.StatusCreated, gin.H{
		"id": inv.ID, "email": inv.Email, "role": inv.Role, "status": "invited",
		"expires_at": inv.ExpiresAt, "invite_url": link, "email_sent": sent,
	})
	return nil
}

// mailInvitation e-mails the link when SMTP is configured. It runs after
// the invitation is committed; a failure is logged and reported as
// email_sent:false, because the invitation exists and the admin can copy
// the link instead.
func (h *memberHandlers) mailInvitation(c *gin.Context, inv *store.Invitation, link string) bool {
	if h.mailer == nil {
		return false
	}
	a := actorOf(c)
	inviter := a.user.Email
	if a.user.FullName != "" {
		inviter = a.user.FullName + " (" + a.user.Email + ")"
	}
	msg := invitationMail{to: inv.Email, orgName: a.org.Name, inviter: inviter, role: inv.Role,
		link: link, expires: inv.ExpiresAt}.message()
	// The client hanging up must not abort a send halfway.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), invitationMailTimeout)
	defer cancel()
	if err := h.mailer.Send(ctx, msg); err != nil {
		loggerFrom(c).Warn("invitation e-mail not sent", "invitation_id", inv.ID, "error", err)
		return false
	}
	return true
}

func (h *memberHandlers) listInvitations(c *gin.Context) error {
	orgID, now := actorOf(c).org.ID, h.now()
	people := newPeopleNames(h.store)
	return respondList(c, func(q store.ListQuery) ([]store.Invitation, string, error) {
		return h.store.ListInvitations(orgID, q, nil)
	}, func(inv *store.Invitation) invitationView {
		v := newInvitationView(inv, now)
		v.InvitedByName = people.of(inv.InvitedBy)
		return v
	})
}

func (h *memberHandlers) revokeInvitation(c *gin.Context) error {
	orgID, id := actorOf(c).org.ID, c.Param("id")
	invs, err := h.store.Invitations(orgID)
	if err != nil {
		return err
	}
	var email string
	for _, inv := range invs {
		if inv.ID == id {
			email = inv.Email
		}
	}
	entry := h.auditEntry(c, "invitation.revoked", store.AuditResource{Type: "invitation", ID: id, Name: email}, nil)
	if err := h.store.DeleteInvitation(orgID, id, audited(entry)); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// bindInvitationToken reads the body {token} of the requests that carry an invitation's
// secret (its preview and its acceptance) and requires the token.
func bindInvitationToken(c *gin.Context) (string, error) {
	var req struct {
		Token string `json:"token"`
	}
	if err := bindJSON(c, &req); err != nil {
		return "", err
	}
	f := fieldErrors{}
	token := f.text("token", req.Token, true, 200)
	return token, f.err()
}

// acceptInvitation lets a signed-in user join with an invitation sent to
// their own e-mail (new users accept through registration instead).
func (h *memberHandlers) acceptInvitation(c *gin.Context) error {
	a := actorOf(c)
	if a.apiKey != nil {
		return errForbidden("API keys cannot accept invitations; sign in as the invited user.")
	}
	token, err := bindInvitationToken(c)
	if err != nil {
		return err
	}
	digest := crypto.Digest(token)
	inv, err := h.store.InvitationByDigest(digest)
	if err != nil {
		return err
	}
	// An invitation for someone else answers exactly like an unknown one,
	// so a leaked link reveals nothing about the organization.
	if !strings.EqualFold(inv.Email, a.user.Email) {
		return errNotFound("Invitation")
	}
	if !h.now().Before(inv.ExpiresAt) {
		return errValidation(map[string]string{"token": "has expired; ask for a new invitation"})
	}
	// An invitation is never edited, only consumed or revoked, so the one loaded above
	// describes the one accepted.
	entry := h.auditEntry(c, "member.added", memberRes(a.user),
		map[string]any{"role": inv.Role, "invitation_id": inv.ID})
	inv, err = h.store.AcceptInvitation(digest, a.user.ID, audited(entry))
	if errors.Is(err, store.ErrConflict) {
		// The store speaks of "that user"; here that user is the caller.
		return errConflict("You are already a member of this organization.")
	} else if err != nil {
		return err // revoked meanwhile: 404
	}
	c.JSON(http.StatusOK, gin.H{"org_id": inv.OrgID, "role": inv.Role})
	return nil
}
