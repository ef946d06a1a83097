package api

import (
	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// unsubscribeSMS serves POST /public/status-pages/:slug/unsubscribe/sms {phone}: a
// confirmed SMS subscriber is texted a code that removes it (replying STOP to any text
// does the same without a code). The answer is the same for subscribed and other numbers.
// A form post gets the page to enter the code on.
func (h *publicSubscriberHandlers) unsubscribeSMS(c *gin.Context) error {
	return h.serveSMSStep(c, smsStep{leaving: true, title: "notice.code_title", done: "notice.sms_leave_code_sent",
		answer: gin.H{"status": "code_sent", "message": englishStatus.T("notice.sms_leave_code_sent")},
		run: func(page *store.StatusPage, phone, _ string) error {
			return h.requestSMSUnsubscribe(page, phone)
		}})
}

// confirmUnsubscribeSMS serves POST /public/status-pages/:slug/unsubscribe/sms/confirm
// {phone, code}: the right code removes the subscriber; a refused one is a 422 naming code.
func (h *publicSubscriberHandlers) confirmUnsubscribeSMS(c *gin.Context) error {
	return h.serveSMSStep(c, smsStep{leaving: true, withCode: true, title: "notice.unsubscribed_title", done: "notice.sms_unsubscribed",
		answer: gin.H{"status": "unsubscribed"},
		run: func(page *store.StatusPage, phone, code string) error {
			return h.leaveSMS(page, phone, code, func(s *store.Subscriber) *store.Change {
				return audited(h.auditEntry(c, "subscriber.deleted", subscriberRes(s),
					map[string]any{"status_page_id": page.ID, "unsubscribed": true}))
			})
		}})
}
