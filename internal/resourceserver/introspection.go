package resourceserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"oauthtime/internal/httpx"
	"oauthtime/internal/resource"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// maxIntrospection bounds an introspection answer; ours are a few hundred bytes.
const maxIntrospection = 64 << 10

// introspector asks the authserver's /introspect about tokens. It
// implements resource.Introspector.
type introspector struct {
	client   *httpx.Client
	endpoint wire.Endpoint // called as the resourceserver's own client
}

func newIntrospector(client *httpx.Client, authURL, clientID string, sec secret.String) *introspector {
	return &introspector{client: client, endpoint: wire.NewEndpoint(authURL+"/introspect", clientID, sec.Reveal())}
}

// Introspect implements resource.Introspector.
func (in *introspector) Introspect(ctx context.Context, token secret.String) (resource.TokenInfo, error) {
	req, err := in.endpoint.NewRequest(ctx, url.Values{"token": {token.Reveal()}})
	if err != nil {
		return resource.TokenInfo{}, err
	}
	status, raw, err := in.client.Call(req, maxIntrospection)
	if err != nil {
		return resource.TokenInfo{}, err
	}
	return parseIntrospection(status, raw)
}

// introspectionBody is the part of an RFC 7662 answer the resource server
// uses. Unknown members are ignored (RFC 6749 §5.1 spirit, 6749-24).
type introspectionBody struct {
	Active   *bool    `json:"active"`
	Scope    *string  `json:"scope"`
	Aud      audience `json:"aud"`
	ClientID string   `json:"client_id"`
	Sub      string   `json:"sub"`
}

// audience is aud in either of its JSON forms: a string or an array.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor an array of strings")
	}
	*a = many
	return nil
}

// parseIntrospection checks an answer of the introspection endpoint. Any
// status but 200, or a body without a boolean active, is no answer: the
// resource server cannot tell whether the token is good.
func parseIntrospection(status int, raw []byte) (resource.TokenInfo, error) {
	switch status {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return resource.TokenInfo{}, errors.New("introspection answered status 401: the authserver refused the resourceserver's client credentials: RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET must match a client in its AUTH_CLIENTS_FILE")
	case http.StatusForbidden:
		return resource.TokenInfo{}, errors.New("introspection answered status 403: the authserver does not let RESOURCE_CLIENT_ID introspect: its client needs \"introspect\": true")
	default:
		return resource.TokenInfo{}, fmt.Errorf("introspection answered status %d", status)
	}
	var b introspectionBody
	if err := json.Unmarshal(raw, &b); err != nil {
		return resource.TokenInfo{}, fmt.Errorf("introspection answer: %w", err)
	}
	if b.Active == nil {
		return resource.TokenInfo{}, errors.New("introspection answer has no active member")
	}
	if !*b.Active {
		return resource.TokenInfo{}, nil
	}
	if b.Scope == nil {
		return resource.TokenInfo{}, errors.New("introspection answer for an active token has no scope")
	}
	return resource.TokenInfo{Active: true, Scope: *b.Scope, Audience: b.Aud, ClientID: b.ClientID, Subject: b.Sub}, nil
}
