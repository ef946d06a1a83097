package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// Error is an API error: an HTTP status plus the flat body every client sees,
// {"error": code, "message": sentence, "fields": {...}}. Handlers return it
// (or a store sentinel) and writeError turns it into the response once.
type Error struct {
	Status     int
	Code       string
	Message    string
	Fields     map[string]string
	RetryAfter *time.Time
	// retrySeconds is the Retry-After header value that goes with RetryAfter.
	retrySeconds int

	// Details is extra machine-readable context, rendered as "details" (e.g. the byte
	// position of an alert rule expression's syntax error).
	Details map[string]any
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errBadRequest(format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: fmt.Sprintf(format, args...)}
}

// errValidation is the one validation status (422) used everywhere.
func errValidation(fields map[string]string) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed",
		Message: "The request has invalid fields.", Fields: fields}
}

func errUnauthorized() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "unauthorized",
		Message: "A valid token is required."}
}

func errForbidden(msg string) *Error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: msg}
}

func errNotFound(what string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: what + " not found."}
}

func errConflict(msg string) *Error {
	return &Error{Status: http.StatusConflict, Code: "conflict", Message: msg}
}

func errPlanLimit(msg string) *Error {
	return &Error{Status: http.StatusPaymentRequired, Code: "plan_limit_reached", Message: msg}
}

// errRateLimited is the 429 answer; now is the limiter's clock, so
// Retry-After is computed on the same clock as the limit itself.
func errRateLimited(now, until time.Time) *Error {
	u := until.UTC().Truncate(time.Second)
	if u.Before(until) {
		u = u.Add(time.Second)
	}
	secs := int(u.Sub(now) / time.Second)
	if secs < 1 {
		secs = 1
	}
	return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited",
		Message: "Too many requests. Retry after " + u.Format(time.RFC3339) + ".", RetryAfter: &u, retrySeconds: secs}
}

// errDiskFull is the answer to a write refused because the server's disk is full: 507
// Insufficient Storage (the server, not the request, is at fault, and the same request
// succeeds once space is freed, without a restart).
func errDiskFull() *Error {
	return &Error{Status: http.StatusInsufficientStorage, Code: "insufficient_storage",
		Message: "The server's disk is full, so nothing was saved. An administrator must free space " +
			"where the server keeps its data (DATA_DIR); then send the request again (no restart is needed)."}
}

// errDamaged is the answer when the request met a damaged page of the database file. It
// says what the operator must do; where the damage is (file, page) goes to the log only.
func errDamaged() *Error {
	return &Error{Status: http.StatusServiceUnavailable, Code: "database_damaged",
		Message: "The database file is damaged, so this request could not be served. An administrator must " +
			"stop the server, run `alertifypro check` and restore the newest backup."}
}

// errorTable maps store and crypto sentinels to API errors. It is the only
// place a domain error becomes an HTTP status; a *store.Error words the message
// itself ("Team not found."), the row's message is for a bare sentinel.
var errorTable = []struct {
	err error
	api func() *Error
}{
	{store.ErrNotFound, func() *Error { return errNotFound("Resource") }},
	{store.ErrConflict, func() *Error { return errConflict("The resource already exists or conflicts with another one.") }},
	{store.ErrLastOwner, func() *Error {
		return errConflict("An organization must keep at least one owner.")
	}},
	{store.ErrPlanLimit, func() *Error {
		return errPlanLimit("Your plan's service limit is reached. Upgrade the plan or remove a service.")
	}},
	{store.ErrInvalidCursor, func() *Error {
		e := errBadRequest("The cursor is not one this list produced.")
		e.Fields = map[string]string{"cursor": "is invalid"}
		return e
	}},
	{store.ErrDiskFull, errDiskFull},
	{store.ErrDamaged, errDamaged},
	{store.ErrNotLeader, errNotLeader},
	{store.ErrCommitUnknown, errCommitUnknown},
	{crypto.ErrInvalidToken, errUnauthorized},
}

// nameTaken marks the name field on the store's name conflict, so the form can point at
// it (the store's sentence already names the object, a service or a location, given as
// what); other errors pass unchanged.
func nameTaken(err error, what string) error {
	if !errors.Is(err, store.ErrConflict) {
		return err
	}
	e, _ := toAPIError(err)
	e.Fields = map[string]string{"name": "is already used by another " + what}
	return e
}

// toAPIError classifies any error; unknown errors become internal (500)
// and the caller logs the original.
func toAPIError(err error) (*Error, bool) {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr, true
	}
	for _, row := range errorTable {
		if errors.Is(err, row.err) {
			return worded(row.api(), err), true
		}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal",
		Message: "Something went wrong on our side. The request ID identifies it in the server log."}, false
}

// worded gives e the message of the store error inside err, which names the record
// concerned, in place of the table row's generic one.
func worded(e *Error, err error) *Error {
	var se *store.Error
	if errors.As(err, &se) && se.Message != "" {
		e.Message = se.Message
	}
	return e
}

// writeError renders err as the flat error body and aborts the chain.
func writeError(c *gin.Context, err error) {
	apiErr, known := toAPIError(err)
	switch {
	case !known:
		loggerFrom(c).Error("request failed", "error", err.Error())
	case errors.Is(err, store.ErrDamaged):
		// The client hears what to do; the operator needs where (the file, the page).
		loggerFrom(c).Error("request failed: the database file is damaged", "error", err.Error())
	}
	body := gin.H{"error": apiErr.Code, "message": apiErr.Message}
	if len(apiErr.Fields) > 0 {
		body["fields"] = apiErr.Fields
	}
	if len(apiErr.Details) > 0 {
		body["details"] = apiErr.Details
	}
	if apiErr.RetryAfter != nil {
		body["retry_after"] = apiErr.RetryAfter.Format(time.RFC3339)
		c.Header("Retry-After", strconv.Itoa(apiErr.retrySeconds))
	}
	c.AbortWithStatusJSON(apiErr.Status, body)
}

// handlerFunc is a Gin handler that returns its error instead of writing it.
type handlerFunc func(c *gin.Context) error

// h adapts a handlerFunc to Gin, sending any returned error through the table.
func h(fn handlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := fn(c); err != nil {
			writeError(c, err)
		}
	}
}
