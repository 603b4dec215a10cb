package authserver

import (
	"net/http"

	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
	"oauthtime/internal/oauth"
)

// addRoutes is the authserver's whole API surface.
func addRoutes(mux *http.ServeMux, svc *oauth.Service, meta Metadata, callers callers, reg *metrics.Registry, metricsHere bool) {
	m := newCounts(reg, svc.ClientIDs())
	mux.Handle("POST /token", m.refusals(handleToken(svc, callers, m.tokens)))
	mux.Handle("POST /introspect", m.refusals(handleIntrospect(svc, callers, m.introspections)))
	mux.Handle("GET /.well-known/oauth-authorization-server", handleMetadata(meta))
	httpx.AddProbes(mux, reg, metricsHere, nil)
}
