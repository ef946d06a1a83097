package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// emailTemplateHandlers serves /api/v1/status-pages/:id/email-template (SPEC §3.16, README
// "Status page e-mail template and subscriber import"): read, save and reset the page's
// subscriber e-mail template, and preview a message rendered with it.
type emailTemplateHandlers struct {
	*base
	notices *notify.SubscriberNotices // page and unsubscribe links of the preview
	cache   *statusCache
}

// emailTemplateRequest is the template as the API takes it; an empty field is the
// default of that field.
type emailTemplateRequest struct {
	Subject            string `json:"subject"`
	UpdateSubject      string `json:"update_subject"`
	ResolvedSubject    string `json:"resolved_subject"`
	MaintenanceSubject string `json:"maintenance_subject"`
	LogoURL            string `json:"logo_url"`
	BrandColor         string `json:"brand_color"`
	BackgroundColor    string `json:"background_color"`
	TextColor          string `json:"text_color"`
	Body               string `json:"body"`
	Footer             string `json:"footer"`
}

// emailTemplateView is the template in effect (defaults filled in) and whether the page
// has one of its own.
type emailTemplateView struct {
	store.EmailTemplate
	Customized bool `json:"customized"`
}

// template checks r for page and returns what to store: fields equal to the page's
// default are kept empty, so the page follows later improvements of the defaults; nil when
// nothing differs. The 422 names every bad field (prefix + its JSON name) with its position.
func (r *emailTemplateRequest) template(page *store.StatusPage, prefix string) (*store.EmailTemplate, error) {
	t := store.EmailTemplate{Subject: strings.TrimSpace(r.Subject), UpdateSubject: strings.TrimSpace(r.UpdateSubject),
		ResolvedSubject: strings.TrimSpace(r.ResolvedSubject), MaintenanceSubject: strings.TrimSpace(r.MaintenanceSubject),
		LogoURL: strings.TrimSpace(r.LogoURL), BrandColor: strings.TrimSpace(r.BrandColor), BackgroundColor: strings.TrimSpace(r.BackgroundColor),
		TextColor: strings.TrimSpace(r.TextColor), Body: strings.TrimSpace(r.Body), Footer: strings.TrimSpace(r.Footer)}
	if problems := notify.CheckEmailTemplate(&t); problems != nil {
		f := fieldErrors{}
		for k, v := range problems {
			f.add(prefix+k, v)
		}
		return nil, f.err()
	}
	def := notify.EffectiveEmailTemplate(nil, page)
	for _, p := range []struct {
		v   *string
		def string
	}{
		{&t.Subject, def.Subject}, {&t.UpdateSubject, def.UpdateSubject}, {&t.ResolvedSubject, def.ResolvedSubject},
		{&t.MaintenanceSubject, def.MaintenanceSubject}, {&t.LogoURL, def.LogoURL}, {&t.BrandColor, def.BrandColor},
		{&t.BackgroundColor, def.BackgroundColor}, {&t.TextColor, def.TextColor}, {&t.Body, def.Body}, {&t.Footer, def.Footer},
	} {
		if *p.v == p.def {
			*p.v = ""
		}
	}
	if t.IsZero() {
		return nil, nil
	}
	return &t, nil
}

// get answers the template in effect.
func (h *emailTemplateHandlers) get(c *gin.Context) error {
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, newEmailTemplateView(p))
	return nil
}

func newEmailTemplateView(p *store.StatusPage) emailTemplateView {
	return emailTemplateView{EmailTemplate: notify.EffectiveEmailTemplate(p.EmailTemplate, p), Customized: !p.EmailTemplate.IsZero()}
}

// put saves the page's template (member+), audited.
func (h *emailTemplateHandlers) put(c *gin.Context) error {
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	var req emailTemplateRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	t, err := req.template(p, "")
	if err != nil {
		return err
	}
	return h.save(c, p, t, "status_page.email_template_updated")
}

// reset drops the page's template: its messages use the default again.
func (h *emailTemplateHandlers) reset(c *gin.Context) error {
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	return h.save(c, p, nil, "status_page.email_template_reset")
}

// save stores t (nil: the default) on page p with an audit entry and answers the view.
func (h *emailTemplateHandlers) save(c *gin.Context, p *store.StatusPage, t *store.EmailTemplate, event string) error {
	entry := h.auditEntry(c, event, statusPageRes(p), map[string]any{"customized": t != nil})
	saved, err := h.store.UpdateStatusPage(p.OrgID, p.ID, func(sp *store.StatusPage) error {
		sp.EmailTemplate = t
		return nil
	}, audited(entry))
	if err != nil {
		return err
	}
	if h.cache != nil {
		h.cache.invalidate()
	}
	c.JSON(http.StatusOK, newEmailTemplateView(saved))
	return nil
}

// previewRequest asks for a message rendered with the saved template, or with Template
// (unsaved edits: the editor's live preview), for the incident IncidentID (its latest
// update) or a sample incident, as the notice Kind (default: what the incident's latest
// update would send, or "created").
type previewRequest struct {
	Template   *emailTemplateRequest `json:"template"`
	IncidentID string                `json:"incident_id"`
	Kind       string                `json:"kind"`
}

// previewView is a rendered message.
type previewView struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	HTML    string `json:"html"`
	Text    string `json:"text"`
}

// preview renders one message without sending it.
func (h *emailTemplateHandlers) preview(c *gin.Context) error {
	p, err := h.statusPage(c)
	if err != nil {
		return err
	}
	var req previewRequest
	if err := bindJSON(c, &req); err != nil {
		return err
	}
	t := p.EmailTemplate
	if req.Template != nil {
		if t, err = req.Template.template(p, "template."); err != nil {
			return err
		}
	}
	switch req.Kind {
	case "", notify.NoticeCreated, notify.NoticeUpdated, notify.NoticeResolved, notify.NoticeMaintenance:
	default:
		return errValidation(map[string]string{"kind": "must be created, updated, resolved or maintenance"})
	}
	unsubscribe := strings.TrimRight(h.cfg.BaseURL, "/") + "/api/v1/public/subscriptions/unsubscribe?token=preview"
	kind := notify.NoticeCreated
	if req.Kind != "" {
		kind = req.Kind
	}
	vars := notify.SampleNoticeVars(kind, p.Name, strings.TrimRight(h.cfg.BaseURL, "/")+"/status/"+p.Slug)
	vars.UnsubscribeURL = unsubscribe
	if req.IncidentID != "" {
		inc, err := h.store.Incident(p.OrgID, p.ID, req.IncidentID)
		if err != nil {
			return errValidation(map[string]string{"incident_id": "is not an incident of this status page"})
		}
		ch := &store.IncidentChange{OrgID: p.OrgID, Page: p, Incident: inc, Update: &store.IncidentUpdate{Status: inc.Status, CreatedAt: inc.CreatedAt}, Kind: store.IncidentKindUpdated}
		if n := len(inc.Updates); n > 0 {
			ch.Update = &inc.Updates[n-1]
		}
		if len(inc.Updates) <= 1 {
			ch.Kind = store.IncidentKindCreated
		}
		kind, vars = h.notices.NoticeVars(&store.SubscriberNotice{OrgID: p.OrgID, Page: p, Change: ch}, unsubscribe)
	}
	if req.Kind != "" {
		kind = req.Kind
	}
	eff := notify.EffectiveEmailTemplate(t, p)
	msg, err := notify.RenderEmailTemplate(&eff, kind, vars)
	if err != nil {
		return errValidation(map[string]string{"template.body": err.Error()})
	}
	c.JSON(http.StatusOK, previewView{Kind: kind, Subject: msg.Subject, HTML: msg.HTML, Text: msg.Text})
	return nil
}
