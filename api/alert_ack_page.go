package api

import (
	"html"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// ackPage is what the acknowledge link's page says: a title, one paragraph, the alert's
// facts and, while the alert is firing, the button.
type ackPage struct {
	title, message string
	facts          [][2]string
	button         bool
}

// ackPageOf describes al: just acknowledged (by this click), firing (asking for the
// click), or already acknowledged or resolved (nothing to do).
func ackPageOf(al *store.Alert, justAcknowledged bool) ackPage {
	p := ackPage{facts: [][2]string{{"Alert", strings.TrimSuffix(al.Title, " Triggered by Check")}}}
	if al.ServiceName != "" {
		p.facts = append(p.facts, [2]string{"Service", al.ServiceName})
	}
	state := al.Status + " (" + al.Severity + ") since " + al.FiredAt.UTC().Format(time.RFC1123)
	p.facts = append(p.facts, [2]string{"State", state})
	if al.LastError != "" && al.Status == store.AlertFiring {
		p.facts = append(p.facts, [2]string{"Error", al.LastError})
	}
	switch {
	case justAcknowledged:
		p.title, p.message = "Acknowledged", "The alert is acknowledged: its escalation has stopped."
	case al.Status == store.AlertFiring:
		p.title, p.message, p.button = "Acknowledge this alert?",
			"Acknowledging stops the alert's escalation; nobody else is paged for it.", true
	case al.Status == store.AlertAcknowledged:
		p.title, p.message = "Already acknowledged", "This alert is already acknowledged; nothing more to do."
	default:
		p.title, p.message = "Already resolved", "This alert is already resolved; nothing more to do."
	}
	return p
}

// ackPageCSP allows the page's inline style and a form posting back to this origin;
// no script, no frame, nothing loaded from anywhere.
const ackPageCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// writeAckPage answers with the page. The form has no action, so it posts to the URL
// the page was opened with, token included, wherever the appliance is mounted.
func writeAckPage(c *gin.Context, status int, p ackPage) {
	e := html.EscapeString
	var b strings.Builder
	if len(p.facts) > 0 {
		b.WriteString("<dl>")
		for _, f := range p.facts {
			b.WriteString("<dt>" + e(f[0]) + "</dt><dd>" + e(f[1]) + "</dd>")
		}
		b.WriteString("</dl>")
	}
	if p.button {
		b.WriteString(`<form method="post"><button type="submit">Acknowledge</button></form>`)
	}
	writeHTMLNotice(c, status, p.title, p.message, b.String(),
		"dt{font-weight:600}dd{margin:0 0 .5rem}button{font:inherit;padding:.5rem 1rem}", ackPageCSP)
}
