// Package oauth is the authorization server's domain: registered clients and
// their authentication, the resource owner password grant, scopes, token
// introspection and the brute-force limit. It knows nothing of HTTP: its
// inputs are parsed requests and its errors carry the RFC 6749 error code
// and a Kind that the transport maps to a status in one place.
package oauth

import (
	"fmt"
	"time"

	"oauthtime/internal/wire"
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
	KindTooLarge                    // the request body is over its cap
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
	return &Error{Kind: KindInvalid, Code: wire.CodeInvalidRequest, Description: desc}
}

func invalidClient(desc string) *Error {
	return &Error{Kind: KindUnauthenticated, Code: wire.CodeInvalidClient, Description: desc}
}

func invalidScope(desc string) *Error {
	return &Error{Kind: KindInvalid, Code: wire.CodeInvalidScope, Description: desc}
}
