package authserver

import (
	"log/slog"
	"net/http"

	"oauthtime/internal/httpx"
	"oauthtime/internal/oauth"
)

// addRoutes is the authserver's whole API surface.
func addRoutes(mux *http.ServeMux, log *slog.Logger, svc *oauth.Service, meta Metadata) {
	mux.Handle("POST /token", handleToken(log, svc))
	mux.Handle("POST /introspect", handleIntrospect(log, svc))
	mux.Handle("GET /.well-known/oauth-authorization-server", handleMetadata(meta))
	mux.Handle("GET /healthz", httpx.HandleHealthz())
}
