// Package fetch is the webapp's domain: to read a protected resource for a
// resource owner, get a fresh access token scoped to exactly that resource,
// use it for that one call, and drop it. It knows nothing of HTTP: tokens
// and resources come through the TokenSource and Resources interfaces.
package fetch

import (
	"context"
	"errors"
	"unicode/utf8"

	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// Owner is the resource owner whose credentials get the token.
type Owner struct {
	Username string
	Password secret.String
}

// TokenSource gets access tokens with the password grant.
type TokenSource interface {
	Token(ctx context.Context, owner Owner, scope string) (secret.String, error)
}

// Resources reads the resource server's resources with a token.
type Resources interface {
	CurrentTime(ctx context.Context, token secret.String) (string, error)
	EpochTime(ctx context.Context, token secret.String) (int64, error)
}

// Errors of a fetch. Adapters wrap one of them, so the transport can tell
// the caller what went wrong without knowing HTTP clients.
var (
	// ErrOwnerRefused: the resource owner's credentials were empty or refused.
	ErrOwnerRefused = errors.New("the username or password was refused")
	// ErrRefused: an upstream refused the webapp itself (its client
	// credentials, its scope, its token).
	ErrRefused = errors.New("an upstream service refused the webapp")
	// ErrUnavailable: an upstream is down or says it is.
	ErrUnavailable = errors.New("an upstream service is unavailable")
	// ErrTimeout: an upstream did not answer in time.
	ErrTimeout = errors.New("an upstream service timed out")
	// ErrBadAnswer: an upstream answered something that makes no sense.
	ErrBadAnswer = errors.New("an upstream service answered nonsense")
)

// Fetcher reads resources for resource owners.
type Fetcher struct {
	tokens    TokenSource
	resources Resources
}

// New returns a Fetcher.
func New(tokens TokenSource, resources Resources) *Fetcher {
	return &Fetcher{tokens: tokens, resources: resources}
}

// CurrentTime returns the resource server's current time for owner.
func (f *Fetcher) CurrentTime(ctx context.Context, owner Owner) (string, error) {
	token, err := f.token(ctx, owner, wire.ScopeCurrentTime)
	if err != nil {
		return "", err
	}
	return f.resources.CurrentTime(ctx, token)
}

// EpochTime returns the resource server's epoch time for owner.
func (f *Fetcher) EpochTime(ctx context.Context, owner Owner) (int64, error) {
	token, err := f.token(ctx, owner, wire.ScopeEpochTime)
	if err != nil {
		return 0, err
	}
	return f.resources.EpochTime(ctx, token)
}

// token gets a token for exactly scope. It is never cached or stored: the
// caller uses it for one call and drops it.
func (f *Fetcher) token(ctx context.Context, owner Owner, scope string) (secret.String, error) {
	if !validCredential(owner.Username) || !validCredential(owner.Password.Reveal()) {
		return secret.String{}, ErrOwnerRefused
	}
	return f.tokens.Token(ctx, owner, scope)
}

// maxCredential bounds a username or password: far more than any needs, and
// little enough that the token request and the token stay small.
const maxCredential = 1024

// validCredential reports whether s can be a username or password: not
// empty, not too long, UTF-8 without control characters. Anything else is
// refused here rather than sent to the authserver.
func validCredential(s string) bool {
	if s == "" || len(s) > maxCredential || !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// UpstreamError is a failure of one upstream service. It matches (errors.Is)
// its Kind, one of the Err values above.
type UpstreamError struct {
	// Service names the upstream: "authserver" or "resourceserver".
	Service string
	Kind    error
	// Cause is the underlying error, for logs only.
	Cause error
}

func (e *UpstreamError) Error() string {
	if e.Cause != nil {
		return e.Service + ": " + e.Kind.Error() + ": " + e.Cause.Error()
	}
	return e.Service + ": " + e.Kind.Error()
}

// Message says what went wrong without the cause: safe to show the caller.
func (e *UpstreamError) Message() string { return e.Service + ": " + e.Kind.Error() }

// Unwrap returns the kind and the cause.
func (e *UpstreamError) Unwrap() []error { return []error{e.Kind, e.Cause} }
