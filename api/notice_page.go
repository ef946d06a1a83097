package api

import (
	"fmt"
	"html"

	"github.com/gin-gonic/gin"
)

// noticeStyle is the style every notice page starts with.
const noticeStyle = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5}"

// writeHTMLNotice answers a browser that followed a link (a subscriber's confirmation, an
// e-mail change) with a small self-contained page: a title, one paragraph and then after,
// which is HTML already; css is added to the page's style and csp is its policy. Nothing
// loads from anywhere, and the page is never cached, framed or sniffed.
func writeHTMLNotice(c *gin.Context, status int, title, message, after, css, csp string) {
	writeHTMLNoticeIn(c, "en", status, title, message, after, css, csp)
}

// writeHTMLNoticeIn is writeHTMLNotice for a page written in language lang.
func writeHTMLNoticeIn(c *gin.Context, lang string, status int, title, message, after, css, csp string) {
	e := html.EscapeString
	body := fmt.Sprintf(`<!DOCTYPE html>
<html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title><style>%s</style></head>
<body><h1>%s</h1><p>%s</p>%s</body></html>
`, e(lang), e(title), noticeStyle+css, e(title), e(message), after)
	writeStandalonePage(c, status, csp, body)
}

// writeStandalonePage answers with a whole HTML page under the policy csp that is never
// cached (it may hold a one-time outcome), framed (no clickjacking of its buttons), sniffed
// as another type, nor named as a referrer (its URL may hold a token).
func writeStandalonePage(c *gin.Context, status int, csp, page string) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", csp)
	c.Data(status, "text/html; charset=utf-8", []byte(page))
}

// writeNoticePage answers with a notice page; back, if set, is linked as the way back to
// the status page.
func writeNoticePage(c *gin.Context, status int, title, message, back string) {
	link := ""
	if back != "" {
		link = fmt.Sprintf(`<p><a href="%s">Back to the status page</a></p>`, html.EscapeString(back))
	}
	writeHTMLNotice(c, status, title, message, link, "", "default-src 'none'; style-src 'unsafe-inline'")
}
