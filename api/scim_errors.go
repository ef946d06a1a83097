package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

// SCIM is a protocol surface of its own (RFC 7644): its answers are application/scim+json
// and its errors carry the SCIM error schema, not the flat API error body. Identity
// providers read scimType and status; people read detail.
const (
	scimContentType  = "application/scim+json"
	scimErrorSchema  = "urn:ietf:params:scim:api:messages:2.0:Error"
	scimListSchema   = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimPatchSchema  = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimUserSchema   = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimGroupSchema  = "urn:ietf:params:scim:schemas:core:2.0:Group"
	scimEnterpriseNS = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
)

// scimError is a SCIM error answer (RFC 7644 §3.12). ScimType is empty where the RFC
// defines none for the status (401, 404, 413, 5xx).
type scimError struct {
	Status   int
	ScimType string
	Detail   string
}

func (e *scimError) Error() string { return e.Detail }

// scimBad is a 400 with a SCIM error type: invalidFilter, invalidPath, invalidValue,
// invalidSyntax, noTarget, tooMany, mutability.
func scimBad(scimType, detail string) *scimError {
	return &scimError{Status: http.StatusBadRequest, ScimType: scimType, Detail: detail}
}

// scimUnauthorized is the one answer to a missing, unknown or another organization's
// token, and to an unknown organization: nothing tells them apart.
func scimUnauthorized() *scimError {
	return &scimError{Status: http.StatusUnauthorized,
		Detail: "The bearer token is not a SCIM token of this organization."}
}

// toSCIMError classifies err as the SCIM answer it gets; known is false for unexpected
// errors, which the caller logs and the client sees only as a 500.
func toSCIMError(err error) (e *scimError, known bool) {
	if errors.As(err, &e) {
		return e, true
	}
	switch {
	case errors.Is(err, store.ErrLastOwner):
		return &scimError{Status: http.StatusConflict, ScimType: "mutability",
			Detail: "This user is the organization's last owner and cannot be deactivated or removed."}, true
	case errors.Is(err, store.ErrConflict):
		return &scimError{Status: http.StatusConflict, ScimType: "uniqueness", Detail: wordedMessage(err)}, true
	case errors.Is(err, store.ErrNotFound):
		return &scimError{Status: http.StatusNotFound, Detail: wordedMessage(err)}, true
	}
	if apiErr, ok := toAPIError(err); ok {
		out := &scimError{Status: apiErr.Status, Detail: apiErr.Message}
		if apiErr.Status == http.StatusBadRequest {
			out.ScimType = "invalidValue"
		}
		return out, true
	}
	return &scimError{Status: http.StatusInternalServerError,
		Detail: "Something went wrong on our side. The request ID identifies it in the server log."}, false
}

// wordedMessage is the message of the store error inside err.
func wordedMessage(err error) string {
	var se *store.Error
	if errors.As(err, &se) && se.Message != "" {
		return se.Message
	}
	return err.Error()
}

// writeSCIM answers v as application/scim+json with status.
func writeSCIM(c *gin.Context, status int, v any) {
	raw, err := json.Marshal(v)
	if err != nil {
		loggerFrom(c).Error("scim: encode answer", "error", err.Error())
		status, raw = http.StatusInternalServerError, []byte(`{"schemas":["`+scimErrorSchema+`"],"status":"500"}`)
	}
	c.Data(status, scimContentType+"; charset=utf-8", raw)
}

// writeSCIMError renders e as the SCIM error body and aborts the chain.
func writeSCIMError(c *gin.Context, e *scimError) {
	body := gin.H{"schemas": []string{scimErrorSchema}, "status": strconv.Itoa(e.Status), "detail": e.Detail}
	if e.ScimType != "" {
		body["scimType"] = e.ScimType
	}
	if e.Status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="SCIM"`)
	}
	writeSCIM(c, e.Status, body)
	c.Abort()
}
