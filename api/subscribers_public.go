package api

import (
	"errors"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// subscribeRateLimit is the per-IP allowance of the public subscribe endpoint: enough for
// people, too little to use the instance as a mail cannon.
var subscribeRateLimit = rateLimit{perMinute: 10, burst: 5}

// maxSubscriberToken bounds what is looked up: real tokens are 46 characters.
const maxSubscriberToken = 128

// publicSubscriberHandlers serves the unauthenticated subscriber endpoints (SPEC §3.16):
// POST /api/v1/public/status-pages/:slug/subscribe (JSON, or the status page's
// form-encoded form, which gets a small HTML answer), and the links of the e-mails,
// GET /api/v1/public/subscriptions/confirm and GET|POST .../unsubscribe (HTML answers).
type publicSubscriberHandlers struct {
	*subscribers
	limits *rateLimiter
}

// subscribe adds an e-mail (pending until confirmed) or webhook subscriber to a public
// page that accepts subscriptions. Private or unknown pages are 404; a page without
// subscriptions, or an invite_only one, is 403. Every e-mail answer is the same 200,
// whether the address is new, pending (the confirmation is sent again) or already
// confirmed (nothing is sent), so the endpoint does not tell who is subscribed.
func (h *publicSubscriberHandlers) subscribe(c *gin.Context) error {
	form := isFormPost(c)
	err := h.doSubscribe(c, form)
	if err != nil && form {
		return h.formFailure(c, err, nil, backLinkHTML)
	}
	return err
}

func (h *publicSubscriberHandlers) doSubscribe(c *gin.Context, form bool) error {
	now := h.now()
	d := h.limits.take(rateKey{kind: 's', id: clientBucket(c)}, subscribeRateLimit, now)
	setRateHeaders(c, d)
	if !d.allowed {
		return errRateLimited(now, d.retryAt)
	}
	page, err := h.store.PublicStatusPage(c.Param("slug"))
	if err != nil {
		return err
	}
	if !page.IsPublic { // a private page answers as a missing one
		return errNotFound("Status page")
	}
	switch {
	case !page.SubscriptionsEnabled:
		return errForbidden("This status page does not accept subscriptions.")
	case page.SubscriberMode == store.SubscribeInviteOnly:
		return errForbidden("Subscriptions to this status page are by invitation only.")
	}
	var req subscriberRequest
	if form {
		email := c.PostForm("email")
		req.Email = &email
	} else if err := bindJSON(c, &req); err != nil {
		return err
	}
	ns, err := h.build(page, &req, true)
	if err != nil {
		return err
	}
	entry := h.auditEntry(c, "subscriber.created", subscriberRes(ns.sub), map[string]any{"status_page_id": page.ID, "public": true})
	s, outcome, err := h.add(page, ns, audited(entry))
	if err != nil {
		return err
	}
	if form {
		l := pageLocale(page)
		writePageNotice(c, l, http.StatusOK, l.T("notice.check_inbox_title"), l.T("notice.check_inbox", "name", page.Name),
			backLinkHTML(l, page.Slug))
		return nil
	}
	if s.Type == store.SubscriberWebhook {
		status := http.StatusOK
		if outcome == store.SubscriberCreated {
			status = http.StatusCreated
		}
		c.JSON(status, gin.H{"status": s.Status, "webhook_url": s.DisplayURL})
		return nil
	}
	c.JSON(http.StatusOK, gin.H{"status": "pending",
		"message": "If the address can subscribe, a confirmation e-mail is on its way; follow its link to start receiving updates."})
	return nil
}

// isFormPost reports whether the body is an HTML form (the status page's subscribe form).
func isFormPost(c *gin.Context) bool {
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	return mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
}

// confirm serves the confirmation link: the pending subscriber becomes confirmed.
func (h *publicSubscriberHandlers) confirm(c *gin.Context) error {
	token := c.Query("token")
	if token == "" || len(token) > maxSubscriberToken {
		writeNoticePage(c, http.StatusNotFound, "Link not valid", "This confirmation link is not valid.", "")
		return nil
	}
	s, err := h.store.ConfirmSubscriber(crypto.Digest(token), func(s *store.Subscriber) *store.Change {
		return audited(h.auditEntry(c, "subscriber.confirmed", subscriberRes(s), map[string]any{"status_page_id": s.PageID}))
	})
	return h.linkOutcome(c, s, err, "Link not valid",
		"This confirmation link is not valid any more. If you already confirmed, you are subscribed.", "notice.subscribed")
}

// unsubscribe serves the unsubscribe link of every message, and the RFC 8058 one-click
// POST of mail clients: the subscriber is removed. An unknown or used token reads the
// same "not subscribed" page, so a second click is harmless.
func (h *publicSubscriberHandlers) unsubscribe(c *gin.Context) error {
	token := c.Query("token")
	var s *store.Subscriber
	err := store.ErrNotFound
	if token != "" && len(token) <= maxSubscriberToken {
		s, err = h.store.Unsubscribe(crypto.Digest(token), func(s *store.Subscriber) *store.Change {
			return audited(h.auditEntry(c, "subscriber.deleted", subscriberRes(s),
				map[string]any{"status_page_id": s.PageID, "unsubscribed": true}))
		})
	}
	return h.linkOutcome(c, s, err, "Not subscribed",
		"This link does not belong to a subscription (any more): nothing will be sent to you.", "notice.unsubscribed")
}

// linkOutcome answers a subscriber link (confirm, unsubscribe) with a notice page: the
// goneTitle page (404, English: no page is known) when the store has no subscriber for
// its token, else the page of catalogue key done (and its title, done + "_title") in the
// language of the subscriber's page, naming it and linking to it when public; other
// errors pass on.
func (h *publicSubscriberHandlers) linkOutcome(c *gin.Context, s *store.Subscriber, err error, goneTitle, goneText, done string) error {
	if errors.Is(err, store.ErrNotFound) {
		writeNoticePage(c, http.StatusNotFound, goneTitle, goneText, "")
		return nil
	} else if err != nil {
		return err
	}
	p, err := h.store.StatusPage(s.OrgID, s.PageID)
	if err != nil {
		p = nil // removed meanwhile: the notice still says it is done
	}
	l, name, back := pageLocale(p), "the status page", ""
	if p != nil {
		name = p.Name
		if p.IsPublic {
			back = backLinkHTML(l, p.Slug)
		}
	}
	writePageNotice(c, l, http.StatusOK, l.T(done+"_title"), l.T(done, "name", name), back)
	return nil
}

// formFailure answers a failed form post (subscribe, enter a code) with a notice page
// in the language of the page of :slug (English when it is unknown or private) saying
// what went wrong, naming the fields given (all the error names when nil); after builds
// what follows, the back link or the code form again.
func (h *publicSubscriberHandlers) formFailure(c *gin.Context, err error, fields []string, after func(l *statusLocale, slug string) string) error {
	apiErr, known := toAPIError(err)
	if !known {
		loggerFrom(c).Error("subscription form failed", "error", err)
	}
	var page *store.StatusPage
	if p, err := h.store.PublicStatusPage(c.Param("slug")); err == nil && p.IsPublic {
		page = p
	}
	if fields == nil {
		fields = slices.Sorted(maps.Keys(apiErr.Fields))
	}
	l := pageLocale(page)
	writePageNotice(c, l, apiErr.Status, l.T("notice.failed_title"), l.errorText(apiErr, fields), after(l, c.Param("slug")))
	return nil
}

// backLink is the public page of slug.
func backLink(slug string) string { return "/status/" + url.PathEscape(slug) }
