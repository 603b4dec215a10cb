package wire

import (
	"errors"
	"strings"

	"oauthtime/internal/secret"
)

// Request errors of the Bearer scheme (RFC 6750 §3.1), which the resource
// server parses and the webapp checks a token against before sending it.
var (
	// ErrNoToken: no Authorization header, or another scheme. The answer
	// carries no error code (RFC 6750 §3.1).
	ErrNoToken = errors.New("a Bearer token is required")
	// ErrMalformed: the header says Bearer but is not one b64token.
	ErrMalformed = errors.New("the Authorization header is malformed")
)

// ParseBearer returns the token of the Authorization header values of a
// request (RFC 6750 §2.1). The scheme is matched case-insensitively; the
// token must be one b64token. The token is only ever taken from the header:
// a token in a URL ends up in logs (RFC 6750 §2.3).
func ParseBearer(values []string) (secret.String, error) {
	switch len(values) {
	case 0:
		return secret.String{}, ErrNoToken
	case 1:
	default:
		return secret.String{}, ErrMalformed
	}
	scheme, rest, _ := strings.Cut(values[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return secret.String{}, ErrNoToken
	}
	token := strings.TrimLeft(rest, " ")
	if !ValidB64Token(token) {
		return secret.String{}, ErrMalformed
	}
	return secret.New(token), nil
}

// ValidB64Token reports whether s is a b64token:
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func ValidB64Token(s string) bool {
	end := len(s)
	for end > 0 && s[end-1] == '=' {
		end--
	}
	return end > 0 && strings.Trim(s[:end], b64token) == ""
}

// b64token is the characters of a b64token other than '='.
const b64token = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/"
