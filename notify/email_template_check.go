package notify

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template/parse"
	"unicode/utf8"

	"github.com/alertifypro/alertifypro/store"
)

// Status-page e-mail templates (SPEC §3.16) use the documented syntax {{incident.title}}:
// in Go's template language that is the function "incident" whose result (a map) is
// indexed by "title". So each documented group is a function of no arguments bound to
// the message being rendered, and a template can reach nothing else: the tree is walked
// after parsing and anything but these variables, the few filters below, string
// literals, {{if}}/{{else}}/{{with}} and comments is refused. No {{range}} (so rendering
// is linear in the template), no {{template}}/{{define}}, no $variables, no dot.

// templateVariables are the variables a template may use: group → its fields; a group
// without fields (unsubscribe_url) is a variable itself.
var templateVariables = map[string][]string{
	"incident":        {"title", "status", "severity", "components"},
	"page":            {"name", "url"},
	"update":          {"message", "time"},
	"unsubscribe_url": nil,
}

// templateFilters are the only functions a template may call, on one string (piped or as
// the argument): {{incident.status | capitalize}}.
var templateFilters = map[string]func(string) string{
	"upper":      strings.ToUpper,
	"lower":      strings.ToLower,
	"capitalize": titleCase,
}

// Size bounds of the template fields, in characters (bytes for the URL).
const (
	MaxTemplateSubject = 300
	MaxTemplateBody    = 20_000
	MaxTemplateFooter  = 4_000
	MaxTemplateLogoURL = 2_048
)

// hexColour is a colour as #rrggbb or #rgb.
var hexColour = regexp.MustCompile(`^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// CheckEmailTemplate validates t and returns one problem per bad field (JSON field name →
// message naming the position), or nil. It parses every template field, walks it for
// unknown variables and functions, and renders it once with sample values so that the
// HTML escaper's own refusals (a variable inside a <script>, an unclosed attribute) are
// found at save time rather than when an incident is posted.
func CheckEmailTemplate(t *store.EmailTemplate) map[string]string {
	problems := map[string]string{}
	for _, f := range []struct {
		name, value string
		max         int
	}{
		{"subject", t.Subject, MaxTemplateSubject}, {"update_subject", t.UpdateSubject, MaxTemplateSubject},
		{"resolved_subject", t.ResolvedSubject, MaxTemplateSubject}, {"maintenance_subject", t.MaintenanceSubject, MaxTemplateSubject},
		{"body", t.Body, MaxTemplateBody}, {"footer", t.Footer, MaxTemplateFooter},
	} {
		switch {
		case utf8.RuneCountInString(f.value) > f.max:
			problems[f.name] = fmt.Sprintf("must be at most %d characters", f.max)
		case !utf8.ValidString(f.value) || strings.ContainsRune(f.value, 0):
			problems[f.name] = "must be UTF-8 text without NUL characters"
		case strings.HasSuffix(f.name, "subject") && strings.ContainsAny(f.value, "\r\n"):
			problems[f.name] = "must be one line"
		default:
			if err := checkTemplateSource(f.name, f.value); err != nil {
				problems[f.name] = err.Error()
			}
		}
	}
	for name, v := range map[string]string{"brand_color": t.BrandColor, "background_color": t.BackgroundColor, "text_color": t.TextColor} {
		if v != "" && !hexColour.MatchString(v) {
			problems[name] = "must be a hex colour such as #2563eb"
		}
	}
	if msg := checkLogoURL(t.LogoURL); msg != "" {
		problems["logo_url"] = msg
	}
	sample := SampleEmailVars("Example status page", "https://status.example.com")
	// The HTML escaper judges body and footer apart first, so its refusal is reported
	// under the field that holds the mistake.
	for name, src := range map[string]string{"body": t.Body, "footer": t.Footer} {
		if _, bad := problems[name]; !bad && src != "" {
			if _, err := renderHTMLPart(name, src, sample); err != nil {
				problems[name] = err.Error()
			}
		}
	}
	if len(problems) == 0 {
		// Every field is right alone; render the whole message once so the HTML escaper
		// sees the body and footer in the layout.
		if _, err := RenderEmailTemplate(t, NoticeCreated, sample); err != nil {
			problems["body"] = err.Error()
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return problems
}

// checkLogoURL returns what is wrong with a logo URL, or "".
func checkLogoURL(u string) string {
	switch {
	case u == "":
		return ""
	case len(u) > MaxTemplateLogoURL:
		return fmt.Sprintf("must be at most %d characters", MaxTemplateLogoURL)
	case !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://"):
		return "must be an absolute http(s) URL"
	case strings.ContainsFunc(u, func(r rune) bool { return r <= ' ' || r == '"' || r == '\'' || r == '<' || r == '>' || r == 0x7f }):
		return "must not contain spaces, quotes or angle brackets"
	}
	return ""
}

// checkTemplateSource parses src and walks it (see the package comment above); the error
// names the position as "line L, column C" (or the line, for a syntax error, which is all
// the parser reports).
func checkTemplateSource(name, src string) error {
	tree := parse.New(name)
	// SkipFuncCheck: an unknown name is reported by the walk, with its column.
	tree.Mode = parse.SkipFuncCheck | parse.ParseComments
	defined := map[string]*parse.Tree{}
	if _, err := tree.Parse(src, "", "", defined); err != nil {
		return fmt.Errorf("does not parse: %s", parseErrorText(name, err))
	}
	for other := range defined {
		if other != name {
			return fmt.Errorf("{{define %q}} is not allowed", other)
		}
	}
	w := &templateWalker{tree: tree}
	w.walk(tree.Root)
	return w.err
}

// parseErrorText turns "template: NAME:LINE: msg" into "line LINE: msg".
func parseErrorText(name string, err error) string {
	msg := strings.TrimPrefix(err.Error(), "template: "+name+":")
	if line, rest, ok := strings.Cut(msg, ": "); ok && line != "" && strings.Trim(line, "0123456789") == "" {
		return "line " + line + ": " + rest
	}
	return msg
}

// templateWalker checks a parsed template and keeps the first problem.
type templateWalker struct {
	tree *parse.Tree
	err  error
}

// fail records the first problem at node n.
func (w *templateWalker) fail(n parse.Node, format string, args ...any) {
	if w.err != nil {
		return
	}
	loc, _ := w.tree.ErrorContext(n)
	// loc is "name:line:col".
	parts := strings.Split(loc, ":")
	where := loc
	if len(parts) >= 3 {
		// ErrorContext counts columns from 0; editors count from 1.
		col, _ := strconv.Atoi(parts[len(parts)-1])
		where = "line " + parts[len(parts)-2] + ", column " + strconv.Itoa(col+1)
	}
	w.err = fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...))
}

func (w *templateWalker) walk(n parse.Node) {
	switch n := n.(type) {
	case nil:
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			w.walk(c)
		}
	case *parse.TextNode, *parse.CommentNode:
	case *parse.ActionNode:
		w.pipe(n.Pipe)
	case *parse.IfNode:
		w.pipe(n.Pipe)
		w.walk(n.List)
		w.walk(n.ElseList)
	case *parse.WithNode:
		w.pipe(n.Pipe)
		w.walk(n.List)
		w.walk(n.ElseList)
	default:
		w.fail(n, "%s is not allowed: use variables, filters (upper, lower, capitalize), {{if}}, {{else}} and {{end}}", n)
	}
}

// pipe checks a pipeline: a value, then filters.
func (w *templateWalker) pipe(p *parse.PipeNode) {
	if len(p.Decl) > 0 {
		w.fail(p, "template variables ($name) are not allowed")
		return
	}
	for i, cmd := range p.Cmds {
		w.command(cmd, i > 0)
	}
}

// command checks one command of a pipeline; piped says a value arrives from the left.
func (w *templateWalker) command(cmd *parse.CommandNode, piped bool) {
	first := cmd.Args[0]
	if id, ok := first.(*parse.IdentifierNode); ok {
		if _, isFilter := templateFilters[id.Ident]; isFilter {
			switch {
			case piped && len(cmd.Args) == 1:
			case !piped && len(cmd.Args) == 2:
				w.value(cmd.Args[1])
			default:
				w.fail(cmd, "%s takes one value: {{%s incident.title}} or {{incident.title | %s}}", id.Ident, id.Ident, id.Ident)
			}
			return
		}
	}
	if id, ok := first.(*parse.IdentifierNode); ok && templateVariables[id.Ident] == nil {
		if _, known := templateVariables[id.Ident]; !known {
			w.fail(id, "unknown variable or function %q (%s)", id.Ident, variableList())
			return
		}
	}
	if piped {
		w.fail(cmd, "%s cannot take a piped value: only upper, lower and capitalize can", first)
		return
	}
	if len(cmd.Args) > 1 {
		w.fail(cmd, "%s takes no arguments", first)
		return
	}
	w.value(first)
}

// value checks a value: a known variable or a string literal.
func (w *templateWalker) value(n parse.Node) {
	switch n := n.(type) {
	case *parse.StringNode:
	case *parse.IdentifierNode:
		if fields, ok := templateVariables[n.Ident]; ok && fields == nil {
			return
		}
		w.fail(n, "unknown variable %q (%s)", n.Ident, variableList())
	case *parse.ChainNode:
		id, ok := n.Node.(*parse.IdentifierNode)
		if ok && len(n.Field) == 1 {
			for _, f := range templateVariables[id.Ident] {
				if f == n.Field[0] {
					return
				}
			}
		}
		w.fail(n.Node, "unknown variable %q (%s)", n.String(), variableList())
	default:
		w.fail(n, "unknown variable %q (%s)", n.String(), variableList())
	}
}

// variableList names every variable, for error messages.
func variableList() string {
	return "known: incident.title, incident.status, incident.severity, incident.components, page.name, page.url, " +
		"update.message, update.time, unsubscribe_url"
}
