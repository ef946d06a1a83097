package store

// EmailTemplate is how a status page's subscriber e-mails look (SPEC §3.16, "Status page
// e-mail template"): the subject of each kind of notice, the header logo, three colours,
// and the body and footer. Subjects, body and footer are templates with the documented
// variables ({{incident.title}}, {{page.name}}, ...), checked and rendered by notify; an
// empty field means the default for that field, so a page keeps improved defaults for
// whatever its administrators did not write themselves.
type EmailTemplate struct {
	// Subject is the subject of the first message of a new incident.
	Subject string `json:"subject"`
	// UpdateSubject is the subject of a later update of an incident.
	UpdateSubject string `json:"update_subject"`
	// ResolvedSubject is the subject of the update that resolves an incident.
	ResolvedSubject string `json:"resolved_subject"`
	// MaintenanceSubject is the subject of a maintenance announcement.
	MaintenanceSubject string `json:"maintenance_subject"`
	LogoURL            string `json:"logo_url"`
	BrandColor         string `json:"brand_color"`
	BackgroundColor    string `json:"background_color"`
	TextColor          string `json:"text_color"`
	Body               string `json:"body"`
	Footer             string `json:"footer"`
}

// IsZero reports whether every field is empty (the template is the default).
func (t *EmailTemplate) IsZero() bool {
	return t == nil || *t == EmailTemplate{}
}
