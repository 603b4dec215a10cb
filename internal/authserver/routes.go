package authserver

import (
	"net/http"

	"oauthtime/internal/httpx"
	"oauthtime/internal/oauth"
)

// addRoutes is the authserver's whole API surface.
func addRoutes(mux *http.ServeMux, svc *oauth.Service, meta Metadata, callers callers) {
	mux.Handle("POST /token", handleToken(svc, callers))
	mux.Handle("POST /introspect", handleIntrospect(svc, callers))
	mux.Handle("GET /.well-known/oauth-authorization-server", handleMetadata(meta))
	mux.Handle("GET /healthz", httpx.HandleHealthz())
}
