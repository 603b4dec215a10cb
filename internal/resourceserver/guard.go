package resourceserver

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// TokenInfo is what the authorization server says about a token
// (RFC 7662 §2.2).
type TokenInfo struct {
	Active   bool
	Scope    string
	Audience []string
	ClientID string
	Subject  string
}

// Introspector asks the authorization server about a token. It returns an
// error only when it got no trustworthy answer.
type Introspector interface {
	Introspect(ctx context.Context, token secret.String) (TokenInfo, error)
}

// Kind says what sort of failure an Error is; the transport turns it into
// a status and an RFC 6750 error code.
type Kind uint8

// The kinds of Error.
const (
	KindInvalidToken      Kind = iota + 1 // inactive, unknown, expired, or not meant for us
	KindInsufficientScope                 // the token lacks the scope the resource needs
	KindUnavailable                       // the authorization server gave no usable answer
	KindClientRefused                     // the authorization server refused our own client credentials
)

// ErrClientRefused is what an Introspector's error wraps when the
// authorization server refused the resource server's own credentials.
var ErrClientRefused = errors.New("the authorization server refused the resourceserver's client credentials")

// Error is a failure of Authorize.
type Error struct {
	Kind Kind
	// Err is the underlying cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	var msg string
	switch e.Kind {
	case KindInvalidToken:
		msg = "the access token is invalid or expired"
	case KindInsufficientScope:
		msg = "the access token lacks the required scope"
	case KindClientRefused:
		msg = "the authorization server refused our client credentials"
	default:
		msg = "the authorization server is unavailable"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Guard decides whether tokens grant access to this resource server.
type Guard struct {
	introspector Introspector
	audience     string
}

// NewGuard returns a Guard that accepts tokens whose aud includes audience.
func NewGuard(introspector Introspector, audience string) *Guard {
	return &Guard{introspector: introspector, audience: audience}
}

// Authorize checks that token is active, meant for this server (RFC 8725
// §3.9, RFC 9068 §4) and grants scope. Tokens are never cached: with a life
// of seconds, a cache would only delay revocation (RFC 7662 §4).
func (g *Guard) Authorize(ctx context.Context, token secret.String, scope string) (TokenInfo, error) {
	// No token we issue is larger; a larger one need not cost a round trip.
	if len(token.Reveal()) > wire.MaxTokenSize {
		return TokenInfo{}, &Error{Kind: KindInvalidToken, Err: fmt.Errorf("larger than %d bytes", wire.MaxTokenSize)}
	}
	info, err := g.introspector.Introspect(ctx, token)
	if errors.Is(err, ErrClientRefused) {
		return TokenInfo{}, &Error{Kind: KindClientRefused, Err: err}
	}
	if err != nil {
		return TokenInfo{}, &Error{Kind: KindUnavailable, Err: err}
	}
	if !info.Active {
		return TokenInfo{}, &Error{Kind: KindInvalidToken}
	}
	if !slices.Contains(info.Audience, g.audience) {
		return TokenInfo{}, &Error{Kind: KindInvalidToken, Err: fmt.Errorf("audience %q is not ours", info.Audience)}
	}
	if !slices.Contains(strings.Fields(info.Scope), scope) {
		return TokenInfo{}, &Error{Kind: KindInsufficientScope}
	}
	return info, nil
}

// Time reads the time the resources serve.
type Time struct {
	clock clock.Clock
}

// NewTime returns a Time reading clk.
func NewTime(clk clock.Clock) Time { return Time{clock: clk} }

// Current returns the time in RFC 3339, UTC, whole seconds.
func (t Time) Current() string { return t.clock.Now().UTC().Format(time.RFC3339) }

// Epoch returns the seconds since the Unix epoch.
func (t Time) Epoch() int64 { return t.clock.Now().Unix() }
