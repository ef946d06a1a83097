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

// smsStep is one public SMS endpoint: subscribe or unsubscribe (leaving), asking for a
// code or entering one (withCode). run does the step for the checked number (and code);
// title and done are the catalogue keys of what the form's notice page then says, and
// answer is the JSON answer.
type smsStep struct {
	leaving, withCode bool
	run               func(page *store.StatusPage, phone, code string) error
	title, done       string
	answer            gin.H
}

// serveSMSStep checks the request for step (the per-IP limit, the page, the number and
// the code), runs it and answers: JSON, or for a form post (the status page) a notice
// page in the page's language, with the code form after a code was asked for.
func (h *publicSubscriberHandlers) serveSMSStep(c *gin.Context, step smsStep) error {
	form := isFormPost(c)
	key, limit := rateKey{kind: 's', id: clientBucket(c)}, subscribeRateLimit
	if step.withCode {
		key.kind, limit = 'c', smsConfirmRateLimit
	}
	page, req, err := h.smsPage(c, key, limit, form, step.leaving)
	if err == nil {
		f := fieldErrors{}
		req.Phone = phoneNumber(f, "phone", req.Phone)
		if req.Code = strings.TrimSpace(req.Code); step.withCode && !smsCodeRe.MatchString(req.Code) {
			f.add("code", "must be the six-digit code from the text")
		}
		if err = f.err(); err == nil {
			err = step.run(page, req.Phone, req.Code)
		}
	}
	if err != nil {
		if !form {
			return err
		}
		return h.formFailure(c, err, []string{"phone", "code"}, h.smsRetry(c, err))
	}
	if !form {
		c.JSON(http.StatusOK, step.answer)
		return nil
	}
	l := pageLocale(page)
	after := backLinkHTML(l, page.Slug)
	if !step.withCode {
		after = smsCodeForm(l, page.Slug, req.Phone, smsAction(step.leaving))
	}
	writePageNotice(c, l, http.StatusOK, l.T(step.title), l.T(step.done, "name", page.Name), after)
	return nil
}

// smsAction is the path segment of the subscribe or the unsubscribe (leaving) endpoints.
func smsAction(leaving bool) string {
	if leaving {
		return "unsubscribe"
	}
	return "subscribe"
}

// subscribeSMS serves POST /public/status-pages/:slug/subscribe/sms: a phone number
// becomes a pending SMS subscriber and is texted a six-digit code (SPEC §3.16, README
// "SMS subscribers"). The answer is the same whether the number is new, pending or
// confirmed. A form post (the status page) gets a page to enter the code on.
func (h *publicSubscriberHandlers) subscribeSMS(c *gin.Context) error {
	return h.serveSMSStep(c, smsStep{title: "notice.code_title", done: "notice.sms_code_sent",
		answer: gin.H{"status": "pending", "message": englishStatus.T("notice.sms_code_sent")},
		run: func(page *store.StatusPage, phone, _ string) error {
			_, err := h.addSMS(page, phone, func(s *store.Subscriber) *store.Change {
				return audited(h.auditEntry(c, "subscriber.created", subscriberRes(s), map[string]any{"status_page_id": page.ID, "public": true}))
			})
			return err
		}})
}

// confirmSMS serves POST /public/status-pages/:slug/subscribe/sms/confirm {phone, code}.
func (h *publicSubscriberHandlers) confirmSMS(c *gin.Context) error {
	return h.serveSMSStep(c, smsStep{withCode: true, title: "notice.subscribed_title", done: "notice.sms_subscribed", answer: gin.H{"status": "confirmed"},
		run: func(page *store.StatusPage, phone, code string) error {
			return h.checkSMSCode(page, phone, code, func(s *store.Subscriber) *store.Change {
				return audited(h.auditEntry(c, "subscriber.confirmed", subscriberRes(s), map[string]any{"status_page_id": page.ID}))
			})
		}})
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

// smsRetry is what follows the message of a failed SMS form post: the code form again
// when the code was the problem (with the number as posted), else the back link.
func (h *publicSubscriberHandlers) smsRetry(c *gin.Context, err error) func(l *statusLocale, slug string) string {
	apiErr, _ := toAPIError(err)
	if _, bad := apiErr.Fields["code"]; !bad || apiErr.Fields["phone"] != "" {
		return backLinkHTML
	}
	phone := phoneSeparators.Replace(strings.TrimSpace(c.PostForm("phone")))
	action := smsAction(strings.Contains(c.Request.URL.Path, "/unsubscribe/"))
	return func(l *statusLocale, slug string) string { return smsCodeForm(l, slug, phone, action) }
}

// smsCodeForm is the form, in l, on which a visitor enters the code texted to phone to
// subscribe or unsubscribe (action).
func smsCodeForm(l *statusLocale, slug, phone, action string) string {
	e := html.EscapeString
	return fmt.Sprintf(`<form method="post" action="/api/v1/public/status-pages/%s/%s/sms/confirm">
<input type="hidden" name="phone" value="%s">
<label for="code">%s</label> <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>
<button type="submit">%s</button></form>
%s`, e(slug), action, e(phone), e(l.T("notice.code_label")), e(l.T("notice.code_button")), backLinkHTML(l, slug))
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
