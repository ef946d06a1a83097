package api

import "net/http"

// errNotImplemented is the placeholder answer of a route whose handler is
// still being written. STUB: removed once every resource is done.
func errNotImplemented() *Error {
	return &Error{Status: http.StatusNotImplemented, Code: "not_implemented", Message: "Not implemented yet."}
}
