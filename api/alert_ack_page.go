package api

import (
	"html"
	"net/url"
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

// ackPageStyle draws the page like the admin UI (embed/dist/app/style.css): the same
// colours in light and dark, a card under the brand, the primary button — so the person
// who tapped a link in a notification sees they are in AlertifyPro, on a phone too.
const ackPageStyle = `:root{--bg:#f6f7f9;--surface:#fff;--text:#1b1f24;--muted:#5b6572;--border:#d5dae0;--accent:#2456d6;--accent-text:#fff;--focus:#f5a300;color-scheme:light}
@media (prefers-color-scheme:dark){:root{--bg:#0f1217;--surface:#171b22;--text:#e6e9ee;--muted:#9aa4b2;--border:#2e3541;--accent:#6d97ff;--accent-text:#0b0e13;--focus:#ffbf3c;color-scheme:dark}}
*{box-sizing:border-box}html,body{margin:0;background:var(--bg);color:var(--text);font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:30rem;margin:8vh auto;padding:0 1rem}.brand{font-weight:700;font-size:1.1rem;margin:0 0 1rem}
.card{background:var(--surface);border:1px solid var(--border);border-radius:6px;padding:1.5rem;box-shadow:0 1px 2px rgb(0 0 0/8%)}
h1{font-size:1.4rem;margin:0 0 .5rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
a{color:var(--accent)}.btn{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-text);cursor:pointer}
.btn:hover{filter:brightness(1.08)}:focus-visible{outline:3px solid var(--focus);outline-offset:2px}.muted{color:var(--muted)}`

// writeAckPage answers with the page. The form has no action, so it posts to the URL
// the page was opened with, token included, wherever the appliance is mounted; the link
// to the alert is relative for the same reason (…/api/v1/alerts/{id}/ack → …/alerts/{id}).
func writeAckPage(c *gin.Context, status int, p ackPage, alertID string) {
	e := html.EscapeString
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>` + e(p.title) + ` · AlertifyPro</title><style>` + ackPageStyle + `</style></head>
<body><main><p class="brand">AlertifyPro</p><div class="card"><h1>` + e(p.title) + `</h1><p>` + e(p.message) + `</p>`)
	if len(p.facts) > 0 {
		b.WriteString("<dl>")
		for _, f := range p.facts {
			b.WriteString("<dt>" + e(f[0]) + "</dt><dd>" + e(f[1]) + "</dd>")
		}
		b.WriteString("</dl>")
	}
	if p.button {
		b.WriteString(`<form method="post"><button type="submit" class="btn">Acknowledge</button></form>`)
	}
	if alertID != "" {
		b.WriteString(`<p class="muted"><a href="../../../../alerts/` + e(url.PathEscape(alertID)) + `">Open the alert in AlertifyPro</a> (you may need to log in).</p>`)
	}
	b.WriteString("</div></main></body></html>\n")
	writeStandalonePage(c, status, ackPageCSP, b.String())
}
