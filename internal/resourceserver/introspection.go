package resourceserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"oauthtime/internal/httpx"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// maxIntrospection bounds an introspection answer; ours are a few hundred bytes.
const maxIntrospection = 64 << 10

// introspector asks the authserver's /introspect about tokens. It
// implements Introspector.
type introspector struct {
	client   *httpx.Client
	endpoint wire.Endpoint // called as the resourceserver's own client
	creds    *httpx.Credentials
}

// credentialsAdvice names what must match when the authserver refuses the
// resourceserver's credentials.
const credentialsAdvice = `RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET must match a client with "introspect": true in the authserver's clients (AUTH_CLIENTS_FILE)`

func newIntrospector(log *slog.Logger, client *httpx.Client, authURL, clientID string, sec secret.String) *introspector {
	in := &introspector{client: client, endpoint: wire.NewEndpoint(authURL+"/introspect", clientID, sec.Reveal())}
	in.creds = httpx.NewCredentials(log, credentialsAdvice, client, in.endpoint)
	return in
}

// Introspect implements Introspector.
func (in *introspector) Introspect(ctx context.Context, token secret.String) (TokenInfo, error) {
	if in.creds.Refused() != nil {
		return TokenInfo{}, fmt.Errorf("%w (known since a check, not sent again before the next)", ErrClientRefused)
	}
	req, err := in.endpoint.NewRequest(ctx, url.Values{"token": {token.Reveal()}})
	if err != nil {
		return TokenInfo{}, err
	}
	status, raw, err := in.client.Call(req, maxIntrospection)
	if err != nil {
		return TokenInfo{}, err
	}
	in.creds.Observe(status)
	return parseIntrospection(status, raw)
}

// parseIntrospection checks an answer of the introspection endpoint. Any
// status but 200, or a body without a boolean active, is no answer: the
// resource server cannot tell whether the token is good.
func parseIntrospection(status int, raw []byte) (TokenInfo, error) {
	switch status {
	case http.StatusOK:
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		return TokenInfo{}, fmt.Errorf("%w: introspection answered status %d: %s", ErrClientRefused, status, credentialsAdvice)
	default:
		return TokenInfo{}, fmt.Errorf("introspection answered status %d", status)
	}
	// The part of an RFC 7662 answer the resource server uses. Unknown
	// members are ignored (RFC 7662 §2.2); a pointer tells a member that
	// is absent or null from one that is there.
	var answer struct {
		Active   *bool           `json:"active"`
		Scope    *string         `json:"scope"`
		Audience json.RawMessage `json:"aud"`
		ClientID *string         `json:"client_id"`
		Subject  *string         `json:"sub"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return TokenInfo{}, fmt.Errorf("introspection answer: %w", err)
	}
	if answer.Active == nil {
		return TokenInfo{}, errors.New("introspection answer has no active member")
	}
	if !*answer.Active {
		return TokenInfo{}, nil
	}
	if answer.Scope == nil {
		return TokenInfo{}, errors.New("introspection answer for an active token has no scope")
	}
	info := TokenInfo{Active: true, Scope: *answer.Scope, ClientID: deref(answer.ClientID), Subject: deref(answer.Subject)}
	if aud := answer.Audience; len(aud) > 0 && string(aud) != "null" {
		var one string
		if json.Unmarshal(aud, &one) == nil {
			info.Audience = []string{one}
		} else if json.Unmarshal(aud, &info.Audience) != nil {
			return TokenInfo{}, errors.New("introspection answer: aud is neither a string nor an array of strings")
		}
	}
	return info, nil
}

// deref is *s, or "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
