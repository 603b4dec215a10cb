// Package authserver is the HTTP transport of the authorization server over
// the oauth domain: routes, request parsing, responses, and Run, which
// starts the whole service.
package authserver

import (
	"log/slog"
	"net/http"
	"net/netip"

	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
	"oauthtime/internal/oauth"
	"oauthtime/internal/wire"
)

// maxBody caps request bodies (64 KiB, as README.md says).
const maxBody = 64 << 10

// Metadata is the authorization server metadata of RFC 8414.
type Metadata struct {
	Issuer                                    string   `json:"issuer"`
	TokenEndpoint                             string   `json:"token_endpoint"`
	IntrospectionEndpoint                     string   `json:"introspection_endpoint"`
	GrantTypesSupported                       []string `json:"grant_types_supported"`
	ResponseTypesSupported                    []string `json:"response_types_supported"`
	TokenEndpointAuthMethodsSupported         []string `json:"token_endpoint_auth_methods_supported"`
	IntrospectionEndpointAuthMethodsSupported []string `json:"introspection_endpoint_auth_methods_supported"`
	ScopesSupported                           []string `json:"scopes_supported"`
}

// NewMetadata describes a server at issuer whose clients may ask for scopes.
func NewMetadata(issuer string, scopes []string) Metadata {
	methods := []string{"client_secret_basic", "client_secret_post"}
	return Metadata{
		Issuer:                                    issuer,
		TokenEndpoint:                             issuer + "/token",
		IntrospectionEndpoint:                     issuer + "/introspect",
		GrantTypesSupported:                       []string{wire.GrantPassword},
		ResponseTypesSupported:                    []string{},
		TokenEndpointAuthMethodsSupported:         methods,
		IntrospectionEndpointAuthMethodsSupported: methods,
		ScopesSupported:                           scopes,
	}
}

// NewServer returns the authorization server's handler. trustedProxies are
// the peers whose X-Forwarded-For names the caller (see callers); reg
// records what it does, and GET /metrics serves it if metricsHere (else a
// listener of its own does).
func NewServer(log *slog.Logger, svc *oauth.Service, meta Metadata, trustedProxies []netip.Prefix, reg *metrics.Registry, metricsHere bool) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, svc, meta, callers{trusted: trustedProxies}, reg, metricsHere)
	return httpx.Wrap(mux, log, writeError, maxBody, reg.HTTP())
}
