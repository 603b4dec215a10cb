package resourceserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"oauthtime/internal/httpx"
	"oauthtime/internal/jsonobj"
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
}

func newIntrospector(client *httpx.Client, authURL, clientID string, sec secret.String) *introspector {
	return &introspector{client: client, endpoint: wire.NewEndpoint(authURL+"/introspect", clientID, sec.Reveal())}
}

// Introspect implements Introspector.
func (in *introspector) Introspect(ctx context.Context, token secret.String) (TokenInfo, error) {
	req, err := in.endpoint.NewRequest(ctx, url.Values{"token": {token.Reveal()}})
	if err != nil {
		return TokenInfo{}, err
	}
	status, raw, err := in.client.Call(req, maxIntrospection)
	if err != nil {
		return TokenInfo{}, err
	}
	return parseIntrospection(status, raw)
}

// parseIntrospection checks an answer of the introspection endpoint. Any
// status but 200, or a body without a boolean active, is no answer: the
// resource server cannot tell whether the token is good.
func parseIntrospection(status int, raw []byte) (TokenInfo, error) {
	switch status {
	case http.StatusOK:
	case http.StatusUnauthorized:
		return TokenInfo{}, errors.New("introspection answered status 401: the authserver refused the resourceserver's client credentials: RESOURCE_CLIENT_ID and RESOURCE_CLIENT_SECRET must match a client in its AUTH_CLIENTS_FILE")
	case http.StatusForbidden:
		return TokenInfo{}, errors.New("introspection answered status 403: the authserver does not let RESOURCE_CLIENT_ID introspect: its client needs \"introspect\": true")
	default:
		return TokenInfo{}, fmt.Errorf("introspection answered status %d", status)
	}
	// The part of an RFC 7662 answer the resource server uses. Unknown
	// members are ignored (RFC 7662 §2.2).
	var info TokenInfo
	var hasActive, hasScope bool
	err := jsonobj.Object(string(raw), func(r *jsonobj.Reader, name string) (err error) {
		switch name {
		case "active":
			info.Active, err = r.Bool()
			hasActive = err == nil
		case "scope":
			if hasScope = !r.IsNull(); hasScope {
				if !r.IsString() {
					return jsonobj.ErrType
				}
				info.Scope, err = r.String()
			}
		case "aud":
			if !r.IsNull() {
				if info.Audience, err = r.StringOrArray(); err != nil {
					err = errors.New("aud is neither a string nor an array of strings")
				}
			}
		case "client_id":
			info.ClientID, err = r.StringOrNull()
		case "sub":
			info.Subject, err = r.StringOrNull()
		default:
			err = r.Skip()
		}
		return err
	})
	if err != nil {
		return TokenInfo{}, fmt.Errorf("introspection answer: %w", err)
	}
	if !hasActive {
		return TokenInfo{}, errors.New("introspection answer has no active member")
	}
	if !info.Active {
		return TokenInfo{}, nil
	}
	if !hasScope {
		return TokenInfo{}, errors.New("introspection answer for an active token has no scope")
	}
	return info, nil
}
