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
	mux.Handle("POST /token", handleToken(svc, callers, m))
	mux.Handle("POST /introspect", handleIntrospect(svc, callers, m))
	mux.Handle("GET /.well-known/oauth-authorization-server", handleMetadata(meta))
	httpx.AddProbes(mux, reg, metricsHere)
}
