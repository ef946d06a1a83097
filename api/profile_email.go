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

// Changing the e-mail address (SPEC §3.2, §12). The address is the login and
// what invitations and "add member" match on, so a new one must be proven:
// PUT /profile with the current password stores a pending change and mails a
// single-use link to the new address; the account keeps its old address, and
// the new one claims nothing, until the link is followed. The link opens a
// page (GET) that asks for a click; only the POST it makes changes anything,
// so mail scanners and chat unfurlers that fetch links confirm nothing.
//
// An address counts as confirmed (store.User.EmailConfirmed) once its holder
// followed such a link: this confirmation, or an invitation bound to the
// address. Registration without an invitation proves nothing (no mail is
// sent), so members.add invites such accounts instead of adding them.
const (
	// emailChangeTTL is how long a confirmation link works.
	emailChangeTTL = 24 * time.Hour
	// emailConfirmPath is the public page the link opens.
	emailConfirmPath = "/api/v1/profile/email/confirm"
	// emailChangeTokenPrefix marks the link tokens; maxEmailChangeToken bounds what is read.
	emailChangeTokenPrefix = "emc_"
	maxEmailChangeToken    = 100
)

// pendingEmailView is an e-mail change waiting for its confirmation.
type pendingEmailView struct {
	Email     string    `json:"email"`
	ExpiresAt time.Time `json:"expires_at"`
}

// errMailNotConfigured refuses an e-mail change the instance cannot confirm.
func errMailNotConfigured() *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
		Message: "This instance cannot send e-mail, so a new address cannot be confirmed: an administrator must configure mail (SMTP_HOST) first.",
		Fields:  map[string]string{"email": "cannot be changed until an administrator configures mail (SMTP)"}}
}

// errConfirmationNotSent is the answer when the confirmation could not be mailed.
func errConfirmationNotSent() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
		Message: "The confirmation e-mail could not be sent, so nothing was changed. Try again later; if it keeps failing, ask an administrator to check the mail settings."}
}

// errEmailLinkInvalid answers an unknown, used or expired link (not told apart).
func errEmailLinkInvalid() *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "This confirmation link is invalid or has expired."}
}

// pendingEmail returns the account's unexpired pending change, or nil.
func (h *profileHandlers) pendingEmail(userID string) (*pendingEmailView, error) {
	ch, err := h.store.PendingEmailChange(userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !h.now().Before(ch.ExpiresAt) {
		return nil, nil
	}
	return &pendingEmailView{Email: ch.NewEmail, ExpiresAt: ch.ExpiresAt.UTC()}, nil
}

// requestEmailChange checks the password, stores the pending change and
// mails its link to the new address. When the mail cannot be sent the change
// is dropped again: a link nobody received must not stay valid.
func (h *profileHandlers) requestEmailChange(c *gin.Context, u *store.User, email, password string) error {
	if h.mailer == nil {
		return errMailNotConfigured()
	}
	if !h.passwords.Verify(c.Request.Context(), u.PasswordHash, password) {
		return errWrongPassword()
	}
	if _, err := h.store.UserByEmail(email); err == nil {
		return errEmailTaken()
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	token, err := crypto.RandomToken(emailChangeTokenPrefix, 32)
	if err != nil {
		return err
	}
	now := h.now().UTC()
	ch := &store.EmailChange{UserID: u.ID, NewEmail: email, Digest: crypto.Digest(token),
		CreatedAt: now, ExpiresAt: now.Add(emailChangeTTL)}
	if err := h.store.RequestEmailChange(ch); err != nil {
		return err
	}
	msg := emailChangeMail{to: email, name: u.FullName, link: emailConfirmURL(h.cfg.BaseURL, token),
		expires: ch.ExpiresAt}.message()
	// The client hanging up must not abort a send halfway.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), invitationMailTimeout)
	defer cancel()
	if err := h.mailer.Send(ctx, msg); err != nil {
		loggerFrom(c).Warn("e-mail change confirmation not sent", "user_id", u.ID, "error", err)
		if err := h.store.CancelEmailChange(u.ID, ch.Digest); err != nil {
			return err
		}
		return errConfirmationNotSent()
	}
	// The request itself committed before the mail went out (a failed send cancels it), so
	// the entry that says a confirmation link was mailed is its own write.
	if orgID, _ := accountLog(c); orgID != "" {
		entry := h.auditEntry(c, "user.email_change_requested", userResource(u), map[string]any{"new_email": email})
		if err := h.store.AppendAudit(orgID, entry); err != nil {
			return err
		}
	}
	return nil
}

// emailConfirmURL is the link the confirmation e-mail carries.
func emailConfirmURL(baseURL, token string) string {
	return strings.TrimRight(baseURL, "/") + emailConfirmPath + "?token=" + url.QueryEscape(token)
}

// emailLinkToken reads a link token from the query (GET) or the form or JSON
// body (POST), bounded in length; "" when there is none.
func emailLinkToken(c *gin.Context) (string, error) {
	token := c.Query("token")
	if c.Request.Method == http.MethodPost {
		if isFormPost(c) {
			token = c.PostForm("token")
		} else {
			var req struct {
				Token string `json:"token"`
			}
			if err := bindJSON(c, &req); err != nil {
				return "", err
			}
			token = req.Token
		}
	}
	if len(token) > maxEmailChangeToken {
		return "", nil
	}
	return token, nil
}
