// Package resource is the resource server's domain: deciding whether a
// bearer token grants a request (active, meant for this server, carrying the
// scope), and reading the time it serves. It knows nothing of HTTP; the
// token's facts come from an Introspector.
package resource

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

// Errors of Authorize. The transport maps each to its RFC 6750 response.
var (
	// ErrInvalidToken: inactive, unknown, expired, or not meant for us.
	ErrInvalidToken = errors.New("the access token is invalid or expired")
	// ErrInsufficientScope: the token lacks the scope the resource needs.
	ErrInsufficientScope = errors.New("the access token lacks the required scope")
	// ErrUnavailable: the authorization server gave no usable answer.
	ErrUnavailable = errors.New("the authorization server is unavailable")
)

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
		return TokenInfo{}, fmt.Errorf("%w: larger than %d bytes", ErrInvalidToken, wire.MaxTokenSize)
	}
	info, err := g.introspector.Introspect(ctx, token)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	if !info.Active {
		return TokenInfo{}, ErrInvalidToken
	}
	if !slices.Contains(info.Audience, g.audience) {
		return TokenInfo{}, fmt.Errorf("%w: audience %q is not ours", ErrInvalidToken, info.Audience)
	}
	if !slices.Contains(strings.Fields(info.Scope), scope) {
		return TokenInfo{}, ErrInsufficientScope
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
