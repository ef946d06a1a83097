package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// maxPatchOps caps the operations of one PATCH; a directory's group changes arrive in
// batches far smaller (Entra sends at most a few hundred members per request).
const maxPatchOps = 1000

// scimPatchOp is one PATCH operation (RFC 7644 §3.5.2), its op lower-cased and its path
// parsed ("" path: the value is an object of attributes).
type scimPatchOp struct {
	op      string
	rawPath string
	path    scimPath
	value   any
}

// readSCIMBody reads the request body (capped by the API's body limit) after checking its
// content type: application/scim+json, or application/json as some clients send.
func readSCIMBody(c *gin.Context) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || (mt != scimContentType && mt != "application/json") {
		return nil, scimBad("invalidSyntax", "Content-Type must be application/scim+json.")
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &scimError{Status: http.StatusRequestEntityTooLarge, Detail: "The request body is larger than 1 MiB."}
		}
		return nil, scimBad("invalidSyntax", "The request body could not be read.")
	}
	return raw, nil
}

// readSCIMObject reads the body as one JSON object.
func readSCIMObject(c *gin.Context) (map[string]any, error) {
	raw, err := readSCIMBody(c)
	if err != nil {
		return nil, err
	}
	return decodeObject(raw)
}

// readPatch reads and checks a PatchOp body: its schema, each op and each path.
func readPatch(c *gin.Context) ([]scimPatchOp, error) {
	raw, err := readSCIMBody(c)
	if err != nil {
		return nil, err
	}
	var body struct {
		Schemas    []string `json:"schemas"`
		Operations []struct {
			Op    any `json:"op"`
			Path  any `json:"path"`
			Value any `json:"value"`
		} `json:"Operations"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, scimBad("invalidSyntax", "The body is not a SCIM PatchOp: "+err.Error())
	}
	if !containsFold(body.Schemas, scimPatchSchema) {
		return nil, scimBad("invalidSyntax", "schemas must hold "+scimPatchSchema+".")
	}
	if len(body.Operations) == 0 {
		return nil, scimBad("invalidSyntax", "Operations is empty.")
	}
	if len(body.Operations) > maxPatchOps {
		return nil, scimBad("tooMany", "A PATCH carries at most 1000 operations.")
	}
	ops := make([]scimPatchOp, 0, len(body.Operations))
	for _, o := range body.Operations {
		opName, _ := o.Op.(string)
		op := scimPatchOp{op: strings.ToLower(strings.TrimSpace(opName)), value: o.Value}
		if op.op != "add" && op.op != "remove" && op.op != "replace" {
			return nil, scimBad("invalidSyntax", "Unknown PATCH op "+jsonText(o.Op)+"; use add, remove or replace.")
		}
		switch p := o.Path.(type) {
		case nil:
		case string:
			op.rawPath = strings.TrimSpace(p)
		default:
			return nil, scimBad("invalidPath", "path must be a string.")
		}
		if op.rawPath == "" {
			if op.op == "remove" {
				return nil, scimBad("noTarget", "A remove operation needs a path.")
			}
			if _, ok := o.Value.(map[string]any); !ok {
				return nil, scimBad("invalidValue", "An operation without path needs an object value.")
			}
		} else if op.path, err = parsePatchPath(op.rawPath); err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// containsFold reports whether list holds s, compared case-insensitively.
func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}

// jsonText is v as JSON, for messages.
func jsonText(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
