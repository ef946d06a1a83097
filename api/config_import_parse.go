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
)

// rawDocument is an imported document split into its lists with every element still raw:
// each element is decoded on its own, so a problem is reported at its path
// ("services[2].endpoint") and one bad element does not hide the others' problems.
type rawDocument struct {
	Version              *int              `json:"version"`
	Services             []json.RawMessage `json:"services"`
	Heartbeats           []json.RawMessage `json:"heartbeats"`
	NotificationChannels []json.RawMessage `json:"notification_channels"`
	OnCallSchedules      []json.RawMessage `json:"on_call_schedules"`
	EscalationPolicies   []json.RawMessage `json:"escalation_policies"`
	AlertRules           []json.RawMessage `json:"alert_rules"`
	MaintenanceWindows   []json.RawMessage `json:"maintenance_windows"`
	Webhooks             []json.RawMessage `json:"webhooks"`
	StatusPages          []json.RawMessage `json:"status_pages"`
	ScheduledReports     []json.RawMessage `json:"scheduled_reports"`
	Secrets              []json.RawMessage `json:"secrets"`
}

// readImportBody reads the request body, capped by the router's body limit (413 beyond
// it), and says whether it is YAML (application/yaml and its x-/text/ spellings) or
// JSON. A JSON body is checked against the import limits here; a YAML body's limits are
// checked on its way through yamlToJSON.
func readImportBody(c *gin.Context) (raw []byte, isYAML bool, err error) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	isYAML = mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml" || mt == "text/x-yaml"
	if err != nil || (mt != "application/json" && !isYAML) {
		return nil, false, errBadRequest("Content-Type must be application/yaml or application/json.")
	}
	raw, err = io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, false, &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
				Message: "The request body is larger than 1 MiB."}
		}
		return nil, false, errBadRequest("The request body could not be read.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, false, errBadRequest("The request body is empty; a configuration document is required.")
	}
	if !isYAML {
		if err := checkJSONLimits(raw); err != nil {
			return nil, false, err
		}
	}
	return raw, isYAML, nil
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
// field, "services[2]" otherwise. Once maxImportProblems are listed, it leaves the
// remaining elements unchecked.
func (p *importPlan) decodeItem(path string, raw json.RawMessage, v any) bool {
	if len(p.f) >= maxImportProblems {
		p.unchecked++ // the answer is a 422 already, and long enough
		return false
	}
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
