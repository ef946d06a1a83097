package notify

import (
	"errors"
	htmltemplate "html/template"
	"strconv"
	"strings"
)

// escaperErrorText words a refusal of html/template's escaper for the person editing a
// template. The escaper reports a body that ends inside a tag or quoted value as its
// internal parser state ("ends in a non-text context: {stateAttr delimDoubleQuote …}"),
// which names nothing the editor typed; the state is translated into what is left open.
// Other escaper errors carry a line, which is kept; anything else is said as it is.
func escaperErrorText(err error) string {
	var e *htmltemplate.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if e.ErrorCode == htmltemplate.ErrEndContext {
		return unclosedContextText(e.Description)
	}
	if e.Line > 0 {
		return "line " + strconv.Itoa(e.Line) + ": " + e.Description
	}
	return e.Description
}

// unclosedContextText says what a template leaves open at its end, from the escaper's
// description of the context it ended in.
func unclosedContextText(context string) string {
	switch {
	case strings.Contains(context, "delimDoubleQuote"):
		return `an attribute value opened with " is never closed: add the closing "`
	case strings.Contains(context, "delimSingleQuote"):
		return "an attribute value opened with ' is never closed: add the closing '"
	case strings.Contains(context, "stateHTMLCmt"):
		return "an HTML comment (<!--) is never closed: add -->"
	case strings.Contains(context, "elementNone"):
		return "an HTML tag is never closed: add the missing >"
	default:
		return "a <script>, <style>, <textarea> or <title> element is never closed: add its end tag"
	}
}
