// Package wire is the vocabulary the three services share on the wire: the
// client's Basic credentials (RFC 6749 §2.3.1), the grant type, the error
// codes, the scope names, the token size cap and the client-authenticated
// form POST that both clients of the authserver send (Endpoint). Both sides of each
// exchange import it, so that no service imports another's domain.
package wire

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// GrantPassword is the one grant type of the system (RFC 6749 §4.3).
const GrantPassword = "password"

// The scopes, one for each resource.
const (
	ScopeCurrentTime = "current_time"
	ScopeEpochTime   = "epoch_time"
)

// MaxTokenSize bounds an access token. No token the authserver issues is
// larger, so every side refuses a larger one before decoding it.
const MaxTokenSize = 4096

// Error codes: RFC 6749 §5.2, temporarily_unavailable (RFC 6749 §4.1.2.1)
// for a caller that is being rate limited or an upstream that is down,
// and RFC 6750 §3.1 for protected resources.
const (
	CodeInvalidRequest         = "invalid_request"
	CodeInvalidClient          = "invalid_client"
	CodeInvalidGrant           = "invalid_grant"
	CodeUnauthorizedClient     = "unauthorized_client"
	CodeUnsupportedGrantType   = "unsupported_grant_type"
	CodeInvalidScope           = "invalid_scope"
	CodeTemporarilyUnavailable = "temporarily_unavailable"
	CodeServerError            = "server_error"
	CodeInvalidToken           = "invalid_token"
	CodeInsufficientScope      = "insufficient_scope"
)

// Error codes of our own: the resourceserver's for a request with no token
// (RFC 6750 §3.1 gives none), the webapp's for what an upstream did, and
// every service's for a path or method it does not serve.
const (
	CodeUnauthorized        = "unauthorized"
	CodeUpstreamTimeout     = "upstream_timeout"
	CodeUpstreamUnavailable = "upstream_unavailable"
	CodeBadGateway          = "bad_gateway"
	CodeNotFound            = "not_found"
	CodeMethodNotAllowed    = "method_not_allowed"
)

// Errors of ParseBasic: each error it returns wraps one of them, and its
// text is a fixed description, safe to send back.
var (
	// ErrNotBasic: another scheme, or no client named: the client did not
	// authenticate.
	ErrNotBasic = errors.New("client authentication must use HTTP Basic")
	// ErrMalformedBasic: a Basic value that does not decode: the request
	// is malformed.
	ErrMalformedBasic = errors.New("the Basic credentials are malformed")
)

// BasicAuthorization returns the Authorization header value that presents
// id and secret as RFC 6749 §2.3.1 asks: each form-urlencoded, then joined
// with a colon and base64-encoded.
func BasicAuthorization(id, secret string) string {
	raw := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(raw))
}

// ParseBasic decodes an Authorization header value that BasicAuthorization
// made: the identifier and secret are form-urlencoded before base64, so they
// are decoded after (%2B is '+', '+' is a space).
func ParseBasic(authorization string) (id, secret string, err error) {
	scheme, payload, _ := strings.Cut(authorization, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", ErrNotBasic
	}
	raw, err := basicEncoding.DecodeString(strings.TrimLeft(payload, " "))
	if err != nil {
		return "", "", &basicError{"the Basic credentials are not valid base64", ErrMalformedBasic}
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", &basicError{"the Basic credentials have no colon", ErrMalformedBasic}
	}
	id, err1 := Unescape(user)
	secret, err2 := Unescape(pass)
	if err1 != nil || err2 != nil {
		return "", "", &basicError{"the Basic credentials are not form-urlencoded", ErrMalformedBasic}
	}
	if id == "" {
		return "", "", &basicError{"client authentication failed", ErrNotBasic}
	}
	return id, secret, nil
}

// basicEncoding is the base64 of the Basic scheme (RFC 7617), refusing
// what is not its one canonical form.
var basicEncoding = base64.StdEncoding.Strict()

// Unescape is url.QueryUnescape, which walks its string a byte at a time
// even when there is nothing to undo; a token (a few hundred bytes of
// base64url) and most credentials have no '%' and no '+', and two byte
// searches say so faster.
func Unescape(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	return url.QueryUnescape(s)
}

type basicError struct {
	description string
	kind        error
}

func (e *basicError) Error() string { return e.description }
func (e *basicError) Unwrap() error { return e.kind }

// Endpoint is an endpoint of the authserver as one client calls it: its
// URL, and the client's credentials.
type Endpoint struct {
	url, authorization string
}

// FormType is the media type of every body sent to the authserver.
const FormType = "application/x-www-form-urlencoded"

// NewEndpoint returns the endpoint at url, called as the client id with
// secret.
func NewEndpoint(url, id, secret string) Endpoint {
	return Endpoint{url: url, authorization: BasicAuthorization(id, secret)}
}

// NewRequest returns the POST every call to the authserver is: form is
// the body, and the client authenticates with HTTP Basic. Both such calls
// (a token request, an introspection) are safe to repeat, so the request
// is marked idempotent: when a kept-alive connection turns out to be
// closed before any byte of an answer (the server stopping, say), Go's
// transport sends it again on another connection instead of failing.
func (e Endpoint) NewRequest(ctx context.Context, form url.Values) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", FormType)
	req.Header.Set("Authorization", e.authorization)
	// Present but empty: marks the request idempotent without sending it.
	req.Header["Idempotency-Key"] = nil
	return req, nil
}
