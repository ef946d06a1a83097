package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/token"
)

// rawDocument is an imported document split into its lists with every element still raw:
// each element is decoded on its own, so a problem is reported at its path
// ("services[2].endpoint") and one bad element does not hide the others' problems.
type rawDocument struct {
	Version              *int              `json:"version"`
	Services             []json.RawMessage `json:"services"`
	Heartbeats           []json.RawMessage `json:"heartbeats"`
	NotificationChannels []json.RawMessage `json:"notification_channels"`
	EscalationPolicies   []json.RawMessage `json:"escalation_policies"`
	AlertRules           []json.RawMessage `json:"alert_rules"`
	MaintenanceWindows   []json.RawMessage `json:"maintenance_windows"`
	Webhooks             []json.RawMessage `json:"webhooks"`
	StatusPages          []json.RawMessage `json:"status_pages"`
}

// readImportBody reads the request body as JSON: as is for application/json, converted
// from YAML for application/yaml (and its x-/text/ spellings). The body is capped by the
// router's body limit (413 beyond it).
func readImportBody(c *gin.Context) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	yamlBody := mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml" || mt == "text/x-yaml"
	if err != nil || (mt != "application/json" && !yamlBody) {
		return nil, errBadRequest("Content-Type must be application/yaml or application/json.")
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
				Message: "The request body is larger than 1 MiB."}
		}
		return nil, errBadRequest("The request body could not be read.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errBadRequest("The request body is empty; a configuration document is required.")
	}
	if !yamlBody {
		return raw, nil
	}
	// Anchors and aliases are refused before anything is expanded: a small document of
	// nested aliases would otherwise expand into gigabytes ("billion laughs"), and an
	// exported document never uses them.
	for _, tk := range lexer.Tokenize(string(raw)) {
		if tk.Type == token.AnchorType || tk.Type == token.AliasType {
			line := 0
			if tk.Position != nil {
				line = tk.Position.Line
			}
			return nil, errBadRequest("YAML anchors and aliases are not accepted (line %d).", line)
		}
	}
	out, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, errBadRequest("The request body is not valid YAML: %s", firstLine(err.Error()))
	}
	return out, nil
}

// firstLine is the first line of a multi-line parser message (goccy/go-yaml adds the
// offending source below it, which does not belong in a JSON error body).
func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// parseDocument splits the JSON document into its lists. An unknown section or a list
// that is not a list is a 422 naming it; a version other than 1 too.
func parseDocument(raw []byte) (*rawDocument, error) {
	var doc rawDocument
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr) && typeErr.Field != "":
			return nil, errValidation(map[string]string{typeErr.Field: "must be a " + jsonKind(typeErr.Type.Kind().String())})
		case errors.As(err, &typeErr):
			return nil, errBadRequest("The document must be an object (a mapping in YAML).")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return nil, errValidation(map[string]string{name: "is not a section of a configuration document"})
		default:
			return nil, errBadRequest("The request body is not valid JSON: %s.", strings.TrimPrefix(err.Error(), "json: "))
		}
	}
	if dec.More() {
		return nil, errBadRequest("The request body must hold exactly one document.")
	}
	if doc.Version != nil && *doc.Version != configVersion {
		return nil, errValidation(map[string]string{"version": "must be " + strconv.Itoa(configVersion)})
	}
	return &doc, nil
}

// decodeItem decodes one element strictly into v (unknown fields refused), reporting a
// problem at path: "services[2].name" for a wrong type, "services[2].nme" for an unknown
// field, "services[2]" otherwise.
func (p *importPlan) decodeItem(path string, raw json.RawMessage, v any) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		return true
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		p.f.add(path+"."+typeErr.Field, "must be a "+jsonKind(typeErr.Type.Kind().String()))
	case errors.As(err, &typeErr):
		p.f.add(path, "must be an object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		p.f.add(path+"."+name, "unknown field")
	default:
		p.f.add(path, strings.TrimPrefix(err.Error(), "json: "))
	}
	return false
}
