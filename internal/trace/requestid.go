package trace

import "strings"

// RequestIDHeader is the header a request ID travels in, X-Request-ID,
// written in Go's canonical form.
const RequestIDHeader = "X-Request-Id"

// MaxRequestID is the longest request ID taken from a caller.
const MaxRequestID = 128

// ValidRequestID reports whether id may be taken from a caller as it is: 1
// to 128 characters of [A-Za-z0-9._-], so it can go into logs and headers
// unescaped.
func ValidRequestID(id string) bool {
	return len(id) > 0 && len(id) <= MaxRequestID && strings.Trim(id, alnum+"._-") == ""
}

// alnum is the ASCII letters and digits.
const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewRequestID returns a random request ID of 32 hex digits.
func NewRequestID() string { return newID(16) }
