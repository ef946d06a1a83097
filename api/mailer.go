package api

import (
	"context"
	"fmt"
	"html"
	"time"

	"github.com/alertifypro/alertifypro/notify"
)

// mailer sends the instance's own e-mail (invitations, e-mail change
// confirmations). It is the seam between the API and notify's SMTP client.
type mailer interface {
	Send(ctx context.Context, msg notify.Message) error
}

// instanceMailer returns the instance mailer, or nil when SMTP_HOST is unset:
// then nothing is e-mailed, invitation links are shared by hand and e-mail
// addresses cannot be changed (nothing could confirm the new one).
func instanceMailer(d notify.Deps) mailer {
	if d.InstanceMail == nil {
		return nil // not a nil *SMTPMailer in the interface
	}
	return d.InstanceMail
}

// invitationMail is what an invitation e-mail says.
type invitationMail struct {
	to, orgName, inviter, role, link string
	expires                          time.Time
}

// message renders the invitation as text and HTML. Every value that came
// from a user (names, e-mail) is HTML-escaped in the HTML part.
func (m invitationMail) message() notify.Message {
	expires := m.expires.UTC().Format("2 January 2006 15:04 MST")
	text := fmt.Sprintf("Hello,\n\n%s invited you to join %s on AlertifyPro as %s.\n\n"+
		"Accept the invitation here:\n%s\n\n"+
		"The link is valid until %s. If you did not expect this e-mail, you can ignore it.\n",
		m.inviter, m.orgName, article(m.role), m.link, expires)
	e := html.EscapeString
	htmlBody := fmt.Sprintf(`<!DOCTYPE html>
<html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello,</p>
<p><strong>%s</strong> invited you to join <strong>%s</strong> on AlertifyPro as %s.</p>
<p><a href="%s" style="display:inline-block;padding:8px 16px;background:#2563eb;color:#fff;text-decoration:none;border-radius:4px">Accept the invitation</a></p>
<p>Or paste this link into your browser:<br><a href="%s">%s</a></p>
<p style="color:#666">The link is valid until %s. If you did not expect this e-mail, you can ignore it.</p>
</body></html>
`, e(m.inviter), e(m.orgName), e(article(m.role)), e(m.link), e(m.link), e(m.link), e(expires))
	return notify.Message{
		To:      []string{m.to},
		Subject: "You're invited to " + m.orgName + " on AlertifyPro",
		Text:    text,
		HTML:    htmlBody,
	}
}

// article puts "a" or "an" before a role name ("an admin", "a viewer").
func article(role string) string {
	if role != "" && (role[0] == 'a' || role[0] == 'o') {
		return "an " + role
	}
	return "a " + role
}

// emailChangeMail asks the holder of a new address to confirm it.
type emailChangeMail struct {
	to, name, link string
	expires        time.Time
}

// message renders the confirmation request. The name came from a user and is
// HTML-escaped in the HTML part.
func (m emailChangeMail) message() notify.Message {
	expires := m.expires.UTC().Format("2 January 2006 15:04 MST")
	who := "Someone"
	if m.name != "" {
		who = m.name
	}
	text := fmt.Sprintf("Hello,\n\n%s asked to use this address (%s) for their AlertifyPro account.\n\n"+
		"Open this link to confirm it:\n%s\n\n"+
		"The link is valid until %s and works once. If you did not ask for this, ignore this e-mail: nothing changes.\n",
		who, m.to, m.link, expires)
	e := html.EscapeString
	htmlBody := fmt.Sprintf(`<!DOCTYPE html>
<html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello,</p>
<p><strong>%s</strong> asked to use this address (%s) for their AlertifyPro account.</p>
<p><a href="%s" style="display:inline-block;padding:8px 16px;background:#2563eb;color:#fff;text-decoration:none;border-radius:4px">Confirm this address</a></p>
<p>Or paste this link into your browser:<br><a href="%s">%s</a></p>
<p style="color:#666">The link is valid until %s and works once. If you did not ask for this, ignore this e-mail: nothing changes.</p>
</body></html>
`, e(who), e(m.to), e(m.link), e(m.link), e(m.link), e(expires))
	return notify.Message{To: []string{m.to}, Subject: "Confirm your new e-mail address for AlertifyPro", Text: text, HTML: htmlBody}
}

// emailChangedNotice tells the previous address that the account moved.
type emailChangedNotice struct {
	to, name, newEmail string
}

// message renders the notice; user-given values are HTML-escaped.
func (m emailChangedNotice) message() notify.Message {
	text := fmt.Sprintf("Hello %s,\n\nThe e-mail address of your AlertifyPro account was changed from %s to %s.\n\n"+
		"If you did not make this change, contact an administrator of your organization at once.\n", m.name, m.to, m.newEmail)
	e := html.EscapeString
	htmlBody := fmt.Sprintf(`<!DOCTYPE html>
<html><body style="font-family:sans-serif;line-height:1.5">
<p>Hello %s,</p>
<p>The e-mail address of your AlertifyPro account was changed from %s to <strong>%s</strong>.</p>
<p>If you did not make this change, contact an administrator of your organization at once.</p>
</body></html>
`, e(m.name), e(m.to), e(m.newEmail))
	return notify.Message{To: []string{m.to}, Subject: "Your AlertifyPro e-mail address was changed", Text: text, HTML: htmlBody}
}
