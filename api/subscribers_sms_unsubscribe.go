package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// smsLeaveMessage is the answer to every request for an unsubscribe code: the same for
// subscribed and other numbers.
const smsLeaveMessage = "If the number receives SMS updates of this page, a text with a six-digit code is on its way; enter it to stop them."

// unsubscribeSMS serves POST /public/status-pages/:slug/unsubscribe/sms {phone}: a
// confirmed SMS subscriber is texted a code that removes it (replying STOP to any text
// does the same without a code). A form post gets the page to enter the code on.
func (h *publicSubscriberHandlers) unsubscribeSMS(c *gin.Context) error {
	form := isFormPost(c)
	page, req, err := h.smsPage(c, rateKey{kind: 's', id: clientBucket(c)}, subscribeRateLimit, form, true)
	if err == nil {
		f := fieldErrors{}
		req.Phone = phoneNumber(f, "phone", req.Phone)
		if err = f.err(); err == nil {
			err = h.requestSMSUnsubscribe(page, req.Phone)
		}
	}
	if err != nil {
		return h.smsFailure(c, form, err)
	}
	if form {
		writeHTMLNotice(c, http.StatusOK, "Enter your code", smsLeaveMessage, smsCodeForm(page.Slug, req.Phone, "unsubscribe"), "",
			"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"status": "code_sent", "message": smsLeaveMessage})
	return nil
}

// confirmUnsubscribeSMS serves POST /public/status-pages/:slug/unsubscribe/sms/confirm
// {phone, code}: the right code removes the subscriber; a refused one is a 422 naming code.
func (h *publicSubscriberHandlers) confirmUnsubscribeSMS(c *gin.Context) error {
	form := isFormPost(c)
	page, req, err := h.smsPage(c, rateKey{kind: 'c', id: clientBucket(c)}, smsConfirmRateLimit, form, true)
	if err == nil {
		f := fieldErrors{}
		req.Phone = phoneNumber(f, "phone", req.Phone)
		if req.Code = strings.TrimSpace(req.Code); !smsCodeRe.MatchString(req.Code) {
			f.add("code", "must be the six-digit code from the text")
		}
		if err = f.err(); err == nil {
			err = h.leaveSMS(page, req.Phone, req.Code, func(s *store.Subscriber) *store.Change {
				return audited(h.auditEntry(c, "subscriber.deleted", subscriberRes(s),
					map[string]any{"status_page_id": page.ID, "unsubscribed": true}))
			})
		}
	}
	if err != nil {
		return h.smsFailure(c, form, err)
	}
	if form {
		writeNoticePage(c, http.StatusOK, "Unsubscribed", "You will not receive text messages about "+page.Name+" any more.", backLink(page.Slug))
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"status": "unsubscribed"})
	return nil
}
