package api

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	assets "github.com/alertifypro/alertifypro/embed"
	"github.com/alertifypro/alertifypro/store"
)

// The pages that answer the public subscription forms and links (check your inbox, enter
// your code, subscribed, unsubscribed, and what went wrong) speak the status page's
// language, from the same catalogues as the page (README "Status pages", Language).
// Without a known page (a link that matches no subscription, an unknown slug) they are
// English.

// statusCatalogues are the status page catalogues by language. They are read once and
// never written: the notice pages use them, the page renderer has its own copy.
var statusCatalogues = func() map[string]*statusLocale {
	l, err := loadStatusLocales(assets.StatusTemplates())
	if err != nil {
		panic(err) // the catalogues are embedded at build time; a failure is a build bug
	}
	return l
}()

// pageLocale is the catalogue of p's language; English without a page or a language.
func pageLocale(p *store.StatusPage) *statusLocale {
	if p != nil {
		if l, ok := statusCatalogues[p.Language]; ok {
			return l
		}
	}
	return statusCatalogues[statusLanguages[0]]
}

// errorSentence is an English sentence of an API error that the catalogues translate:
// the "error." messages of the English catalogue, their {placeholders} matching anything.
type errorSentence struct {
	key   string
	re    *regexp.Regexp
	names []string
}

// errorSentences are the catalogue's error sentences, in key order.
var errorSentences = func() []errorSentence {
	en := statusCatalogues["en"].messages
	var out []errorSentence
	for key, msg := range en {
		if !strings.HasPrefix(key, "error.") {
			continue
		}
		s := errorSentence{key: key}
		var pattern strings.Builder
		pattern.WriteString("^")
		last := 0
		for _, m := range statusPlaceholder.FindAllStringSubmatchIndex(msg, -1) {
			pattern.WriteString(regexp.QuoteMeta(msg[last:m[0]]) + "(.+?)")
			s.names = append(s.names, msg[m[2]:m[3]])
			last = m[1]
		}
		pattern.WriteString(regexp.QuoteMeta(msg[last:]) + "$")
		s.re = regexp.MustCompile(pattern.String())
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b errorSentence) int { return strings.Compare(a.key, b.key) })
	return out
}()

// sentence is the English sentence in l's language when the catalogues have it, with its
// values (a time, a count) carried over; else the sentence as it is.
func (l *statusLocale) sentence(english string) string {
	for _, s := range errorSentences {
		m := s.re.FindStringSubmatch(english)
		if m == nil {
			continue
		}
		pairs := make([]any, 0, 2*len(s.names))
		for i, name := range s.names {
			pairs = append(pairs, name, m[i+1])
		}
		return l.T(s.key, pairs...)
	}
	return english
}

// errorText is what a form's notice page says about e in l: its message, then one
// sentence for each of fields that e names ("The phone must be …").
func (l *statusLocale) errorText(e *Error, fields []string) string {
	out := []string{l.sentence(e.Message)}
	for _, k := range fields {
		if v, ok := e.Fields[k]; ok {
			out = append(out, l.sentence("The "+strings.ReplaceAll(k, "_", " ")+" "+v+"."))
		}
	}
	return strings.Join(out, " ")
}

// noticeCSP is the policy of a notice page that holds a form (the code form).
const noticeCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"

// writePageNotice answers with a notice page in l whose after (HTML) follows the message.
func writePageNotice(c *gin.Context, l *statusLocale, status int, title, message, after string) {
	writeHTMLNoticeIn(c, l.Lang, status, title, message, after, "", noticeCSP)
}

// backLinkHTML is the link back to the public page of slug, in l.
func backLinkHTML(l *statusLocale, slug string) string {
	return fmt.Sprintf(`<p><a href="%s">%s</a></p>`, html.EscapeString(backLink(slug)), html.EscapeString(l.T("notice.back")))
}
