package webapp

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

// Kind says what sort of failure an Error is; it is what the transport
// turns into a status code.
type Kind uint8

// The kinds of Error.
const (
	KindOwnerRefused  Kind = iota + 1 // the resource owner's credentials were empty or refused
	KindRefused                       // an upstream refused the webapp itself (its client credentials, its scope, its token)
	KindUnavailable                   // an upstream is down or says it is
	KindTimeout                       // an upstream did not answer in time
	KindBadAnswer                     // an upstream answered something that makes no sense
	KindClientRefused                 // the authserver refused the webapp's own client credentials
)

var kindText = [...]string{
	KindOwnerRefused:  "the username or password was refused",
	KindRefused:       "an upstream service refused the webapp",
	KindUnavailable:   "an upstream service is unavailable",
	KindTimeout:       "an upstream service timed out",
	KindBadAnswer:     "an upstream service answered nonsense",
	KindClientRefused: "it refused the webapp's client credentials (WEBAPP_CLIENT_ID, WEBAPP_CLIENT_SECRET)",
}

// String says what went wrong, safe to show the caller.
func (k Kind) String() string {
	if int(k) < len(kindText) && kindText[k] != "" {
		return kindText[k]
	}
	return "unknown failure"
}

// Error is a failure of a fetch. Adapters return one, so the transport can
// tell the caller what went wrong without knowing HTTP clients.
type Error struct {
	Kind Kind
	// Service names the upstream at fault ("authserver", say), if any.
	Service string
	// Detail, if set, says what went wrong in the upstream's own words, in
	// place of the Kind's text.
	Detail string
	// Err is the underlying cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message() + ": " + e.Err.Error()
	}
	return e.Message()
}

// Message says what went wrong without the cause: safe to show the caller.
func (e *Error) Message() string {
	msg := e.Kind.String()
	if e.Detail != "" {
		msg = e.Detail
	}
	if e.Service != "" {
		return e.Service + ": " + msg
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the Kind of err, or 0 if it is no *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

// Fetcher reads resources for resource owners.
type Fetcher struct {
	tokens    TokenSource
	resources Resources
}

// NewFetcher returns a Fetcher.
func NewFetcher(tokens TokenSource, resources Resources) *Fetcher {
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
		return secret.String{}, &Error{Kind: KindOwnerRefused}
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
