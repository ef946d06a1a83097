package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// bindJSON decodes the request body into v strictly: JSON content type,
// at most maxBodyBytes, no unknown fields, one value only. Every failure is
// a flat API error that says what is wrong.
func bindJSON(c *gin.Context, v any) error {
	ct := c.GetHeader("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return errBadRequest("Content-Type must be application/json.")
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
				Message: "The request body is larger than 1 MiB."}
		}
		return errBadRequest("The request body could not be read.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return errBadRequest("The request body is empty; a JSON object is required.")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return errBadRequest("The request body must hold exactly one JSON value.")
	}
	return nil
}

// decodeError explains a json decoding failure in the flat error shape.
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return errBadRequest("The request body is not valid JSON.")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return errBadRequest("The request body must be a JSON %s.", "object")
		}
		e := errValidation(map[string]string{field: "must be a " + jsonKind(typeErr.Type.Kind().String())})
		return e
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e := errBadRequest("Unknown field %q.", name)
		e.Fields = map[string]string{name: "unknown field"}
		return e
	default:
		return errBadRequest("The request body is not valid JSON: %s.", strings.TrimPrefix(err.Error(), "json: "))
	}
}

// jsonKind names a Go kind the way a JSON user would.
func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "list"
	case "map", "struct", "ptr":
		return "object"
	default:
		return "number"
	}
}
