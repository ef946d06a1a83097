package api

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// emailConfirmHandlers serve the public link of an e-mail change
// (GET|POST /api/v1/profile/email/confirm). No sign-in is needed: the link's
// token, mailed to the new address, is the proof; the password was checked
// when the change was requested.
type emailConfirmHandlers struct {
	*base
}

// page answers the GET the link makes: a page that names the new address and
// asks for a click. It changes nothing, so a scanner fetching the link is
// harmless.
func (h *emailConfirmHandlers) page(c *gin.Context) error {
	token, _ := emailLinkToken(c)
	var ch *store.EmailChange
	err := store.ErrNotFound
	if token != "" {
		ch, err = h.store.EmailChangeByDigest(crypto.Digest(token))
	}
	if err == nil && !h.now().Before(ch.ExpiresAt) {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		writeEmailPage(c, http.StatusNotFound, "Link not valid", errEmailLinkInvalid().Message+
			" Request the change again from your profile.", "")
		return nil
	} else if err != nil {
		return err
	}
	writeEmailPage(c, http.StatusOK, "Confirm your new e-mail address",
		"Use "+ch.NewEmail+" as the e-mail address of your AlertifyPro account? You will sign in with it from now on.", token)
	return nil
}

// confirm makes the change: from the page's form it answers a page, from an
// API client (JSON {token}) JSON. The store re-checks, in the same
// transaction, that the address is still free and uses the link up.
func (h *emailConfirmHandlers) confirm(c *gin.Context) error {
	form := isFormPost(c)
	token, err := emailLinkToken(c)
	if err != nil {
		return err
	}
	user, old := (*store.User)(nil), ""
	err = store.ErrNotFound
	if token != "" {
		user, old, err = h.store.ConfirmEmailChange(crypto.Digest(token), h.now(),
			func(u *store.User, old string) *store.AuditEntry {
				setUserActor(c, u)
				return h.auditEntry(c, "user.email_changed", userResource(u), map[string]any{"from": old})
			})
	}
	// The link's holder is told about the link and their own address, not the store's
	// "not found" or "already exists".
	switch {
	case errors.Is(err, store.ErrNotFound):
		return h.answer(c, form, errEmailLinkInvalid())
	case errors.Is(err, store.ErrConflict):
		return h.answer(c, form, errConflict("That address now belongs to another account, so your e-mail address was not changed."))
	case err != nil:
		return err
	}
	setUserActor(c, user)
	h.noticeOldAddress(c, user, old)
	msg := "Your AlertifyPro account now uses " + user.Email + "; sign in with it from now on."
	if form {
		writeEmailPage(c, http.StatusOK, "E-mail address changed", msg, "")
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"email": user.Email, "message": msg})
	return nil
}

// answer renders an error as a page for the form, or returns it for JSON.
func (h *emailConfirmHandlers) answer(c *gin.Context, form bool, e *Error) error {
	if !form {
		return e
	}
	writeEmailPage(c, e.Status, "E-mail address not changed", e.Message, "")
	return nil
}

// noticeOldAddress tells the previous address that the account moved, so a
// change its owner did not make does not go unnoticed. Best effort: the
// change is committed whatever happens here.
func (h *emailConfirmHandlers) noticeOldAddress(c *gin.Context, u *store.User, old string) {
	if h.mailer == nil || sameEmail(old, u.Email) {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), invitationMailTimeout)
	defer cancel()
	msg := emailChangedNotice{to: old, name: u.FullName, newEmail: u.Email}.message()
	if err := h.mailer.Send(ctx, msg); err != nil {
		loggerFrom(c).Warn("e-mail change notice not sent", "user_id", u.ID, "error", err)
	}
}

// writeEmailPage answers a browser with a small self-contained page; with a
// token it carries the form whose POST confirms the change.
func writeEmailPage(c *gin.Context, status int, title, message, token string) {
	e := html.EscapeString
	form := `<p><a href="/login">Sign in to AlertifyPro</a></p>`
	if token != "" {
		form = fmt.Sprintf(`<form method="post" action="%s"><input type="hidden" name="token" value="%s">`+
			`<button type="submit">Confirm this address</button></form>`, e(emailConfirmPath), e(token))
	}
	writeHTMLNotice(c, status, title, message, form, "button{font:inherit;padding:.5rem 1rem}",
		"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
}
