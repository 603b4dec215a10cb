// Package oauth is the authorization server's domain: registered clients and
// their authentication, the resource owner password grant, scopes, token
// introspection and the brute-force limit. It knows nothing of HTTP: its
// inputs are parsed requests and its errors carry the RFC 6749 error code
// and a Kind that the transport maps to a status in one place.
package oauth

import (
	"fmt"
	"time"
)

// Error codes of RFC 6749 §5.2, and temporarily_unavailable (§4.1.2.1) for
// a caller that is being rate limited.
const (
	CodeInvalidRequest         = "invalid_request"
	CodeInvalidClient          = "invalid_client"
	CodeInvalidGrant           = "invalid_grant"
	CodeUnauthorizedClient     = "unauthorized_client"
	CodeUnsupportedGrantType   = "unsupported_grant_type"
	CodeInvalidScope           = "invalid_scope"
	CodeTemporarilyUnavailable = "temporarily_unavailable"
	CodeServerError            = "server_error"
)

// Kind says what sort of failure an Error is; it is what the transport turns
// into a status code.
type Kind uint8

// The kinds of Error.
const (
	KindInvalid         Kind = iota // the request is wrong
	KindUnauthenticated             // client authentication failed or was missing
	KindForbidden                   // the client is known but may not do this
	KindRateLimited                 // too many failed authentications from this caller
	KindInternal                    // our fault
)

// Error is a failure of the authorization server's domain.
type Error struct {
	Kind Kind
	// Code is the RFC 6749 error code.
	Code string
	// Description is a fixed, human-readable text, safe to send (it never
	// echoes input) and within RFC 6749 §5.2's character set.
	Description string
	// RetryAfter is set on KindRateLimited.
	RetryAfter time.Duration
	// Err is the underlying cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Description, e.Err)
	}
	return e.Code + ": " + e.Description
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func invalidRequest(desc string) *Error {
	return &Error{Kind: KindInvalid, Code: CodeInvalidRequest, Description: desc}
}

func invalidClient(desc string) *Error {
	return &Error{Kind: KindUnauthenticated, Code: CodeInvalidClient, Description: desc}
}

func invalidScope(desc string) *Error {
	return &Error{Kind: KindInvalid, Code: CodeInvalidScope, Description: desc}
}
