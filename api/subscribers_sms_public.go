package api

import (
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// smsConfirmRateLimit is the per-IP allowance of code entries, on top of the five wrong
// codes each number may take: guessing across many numbers stays slow too.
var smsConfirmRateLimit = rateLimit{perMinute: 10, burst: 5}

// smsRequest is the body of the public SMS endpoints (JSON or the status page's form).
type smsRequest struct {
	Phone string `json:"phone" form:"phone"`
	Code  string `json:"code" form:"code"`
}

// subscribeSMS serves POST /public/status-pages/:slug/subscribe/sms: a phone number
// becomes a pending SMS subscriber and is texted a six-digit code (SPEC §3.16, README
// "SMS subscribers"). The answer is the same whether the number is new, pending or
// confirmed. A form post (the status page) gets a page to enter the code on.
func (h *publicSubscriberHandlers) subscribeSMS(c *gin.Context) error {
	form := isFormPost(c)
	page, req, err := h.smsPage(c, rateKey{kind: 's', id: clientBucket(c)}, subscribeRateLimit, form, false)
	if err == nil {
		f := fieldErrors{}
		req.Phone = phoneNumber(f, "phone", req.Phone)
		if err = f.err(); err == nil {
			_, err = h.addSMS(page, req.Phone, func(s *store.Subscriber) *store.Change {
				return audited(h.auditEntry(c, "subscriber.created", subscriberRes(s), map[string]any{"status_page_id": page.ID, "public": true}))
			})
		}
	}
	if err != nil {
		return h.smsFailure(c, form, err)
	}
	const msg = "If the number can subscribe, a text with a six-digit code is on its way; enter it to start receiving updates."
	if form {
		writeHTMLNotice(c, http.StatusOK, "Enter your code", msg, smsCodeForm(page.Slug, req.Phone, "subscribe"), "",
			"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"status": "pending", "message": msg})
	return nil
}

// confirmSMS serves POST /public/status-pages/:slug/subscribe/sms/confirm {phone, code}.
func (h *publicSubscriberHandlers) confirmSMS(c *gin.Context) error {
	form := isFormPost(c)
	page, req, err := h.smsPage(c, rateKey{kind: 'c', id: clientBucket(c)}, smsConfirmRateLimit, form, false)
	if err == nil {
		f := fieldErrors{}
		req.Phone = phoneNumber(f, "phone", req.Phone)
		if req.Code = strings.TrimSpace(req.Code); !smsCodeRe.MatchString(req.Code) {
			f.add("code", "must be the six-digit code from the text")
		}
		if err = f.err(); err == nil {
			err = h.checkSMSCode(page, req.Phone, req.Code, func(s *store.Subscriber) *store.Change {
				return audited(h.auditEntry(c, "subscriber.confirmed", subscriberRes(s), map[string]any{"status_page_id": page.ID}))
			})
		}
	}
	if err != nil {
		return h.smsFailure(c, form, err)
	}
	if form {
		writeNoticePage(c, http.StatusOK, "Subscribed", "You will receive text messages about "+page.Name+". Reply STOP to any of them to unsubscribe.", backLink(page.Slug))
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"status": "confirmed"})
	return nil
}

// smsPage applies the per-IP limit, finds the public page of :slug that accepts SMS
// subscriptions and reads the body. A private or unknown page is 404; one without
// subscriptions, by invitation or for e-mail domains only, or without a usable SMS
// channel, is 403. Leaving (leaving) is not bound by the page's subscriber mode.
func (h *publicSubscriberHandlers) smsPage(c *gin.Context, key rateKey, limit rateLimit, form, leaving bool) (*store.StatusPage, *smsRequest, error) {
	now := h.now()
	d := h.limits.take(key, limit, now)
	setRateHeaders(c, d)
	if !d.allowed {
		return nil, nil, errRateLimited(now, d.retryAt)
	}
	page, err := h.store.PublicStatusPage(c.Param("slug"))
	if err != nil {
		return nil, nil, err
	}
	switch {
	case !page.IsPublic:
		return nil, nil, errNotFound("Status page")
	case !page.SubscriptionsEnabled || !h.smsChannelReady(page):
		return nil, nil, errForbidden("This status page does not accept SMS subscriptions.")
	case leaving:
	case page.SubscriberMode == store.SubscribeInviteOnly:
		return nil, nil, errForbidden("Subscriptions to this status page are by invitation only.")
	case page.SubscriberMode == store.SubscribeEmailDomain:
		return nil, nil, errForbidden("This status page accepts only e-mail addresses of its domains.")
	}
	var req smsRequest
	if form {
		req.Phone, req.Code = c.PostForm("phone"), c.PostForm("code")
	} else if err := bindJSON(c, &req); err != nil {
		return nil, nil, err
	}
	return page, &req, nil
}

// smsFailure answers err: as JSON, or for a form post as a notice page that keeps the
// code form when the code was the problem.
func (h *publicSubscriberHandlers) smsFailure(c *gin.Context, form bool, err error) error {
	if !form {
		return err
	}
	apiErr, known := toAPIError(err)
	if !known {
		loggerFrom(c).Error("SMS subscription failed", "error", err)
	}
	msg := apiErr.Message
	for _, k := range []string{"phone", "code"} {
		if v, ok := apiErr.Fields[k]; ok {
			msg += " The " + k + " " + v + "."
		}
	}
	after := ""
	if _, bad := apiErr.Fields["code"]; bad && apiErr.Fields["phone"] == "" {
		action := "subscribe"
		if strings.Contains(c.Request.URL.Path, "/unsubscribe/") {
			action = "unsubscribe"
		}
		after = smsCodeForm(c.Param("slug"), phoneSeparators.Replace(strings.TrimSpace(c.PostForm("phone"))), action)
	} else {
		after = fmt.Sprintf(`<p><a href="%s">Back to the status page</a></p>`, html.EscapeString(backLink(c.Param("slug"))))
	}
	writeHTMLNotice(c, apiErr.Status, "Subscription not possible", msg, after, "", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	return nil
}

// smsCodeForm is the form on which a visitor enters the code texted to phone to
// subscribe or unsubscribe (action).
func smsCodeForm(slug, phone, action string) string {
	e := html.EscapeString
	return fmt.Sprintf(`<form method="post" action="/api/v1/public/status-pages/%s/%s/sms/confirm">
<input type="hidden" name="phone" value="%s">
<label for="code">Code</label> <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>
<button type="submit">Confirm</button></form>
<p><a href="%s">Back to the status page</a></p>`, e(slug), action, e(phone), e(backLink(slug)))
}

// smsInbound serves the inbound-message webhook of a twilio_sms channel
// (POST /public/sms/twilio/:org/:channel): Twilio posts every reply to the channel's
// number, signed with the account's auth token over BASE_URL + the path and the form. An
// opt-out keyword (STOP, ...) removes the sender's number from every page texting through
// the channel. Anything not signed by that token, and unknown channels, are 403. The
// answer is an empty TwiML document: Twilio's Advanced Opt-Out sends the confirmation.
func (h *publicSubscriberHandlers) smsInbound(c *gin.Context) error {
	refused := errForbidden("The request is not signed by the channel's Twilio account.")
	ch, err := h.store.Channel(c.Param("org"), c.Param("channel"))
	if err != nil || ch.Type != "twilio_sms" {
		return refused
	}
	token, err := notify.TwilioAuthToken(h.sealer, ch)
	if err != nil {
		return err
	}
	if err := c.Request.ParseForm(); err != nil {
		return errBadRequest("The body must be a form.")
	}
	fullURL := strings.TrimRight(h.cfg.BaseURL, "/") + c.Request.URL.RequestURI()
	if !notify.VerifyTwilioSignature(token, fullURL, c.Request.PostForm, c.GetHeader("X-Twilio-Signature")) {
		return refused
	}
	if notify.IsSMSOptOut(c.Request.PostForm.Get("Body")) {
		from := phoneSeparators.Replace(strings.TrimSpace(c.Request.PostForm.Get("From")))
		_, err := h.store.RemoveSMSNumber(ch.OrgID, ch.ID, from, func(s *store.Subscriber) *store.Change {
			return audited(h.auditEntry(c, "subscriber.deleted", subscriberRes(s),
				map[string]any{"status_page_id": s.PageID, "unsubscribed": true, "sms_opt_out": true}))
		})
		if err != nil {
			return err
		}
	}
	c.Data(http.StatusOK, "text/xml; charset=utf-8", []byte(`<?xml version="1.0" encoding="UTF-8"?><Response></Response>`))
	return nil
}
