package resourceserver

import (
	"net/http"

	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
	"oauthtime/internal/wire"
)

// addRoutes is the resourceserver's whole API surface.
func addRoutes(mux *http.ServeMux, guard *Guard, tm Time, reg *metrics.Registry, metricsHere bool, creds *httpx.Credentials) {
	mux.Handle("GET /current_time", handleResource(guard, wire.ScopeCurrentTime, func() any {
		return currentTime{tm.Current()}
	}))
	mux.Handle("GET /epoch_time", handleResource(guard, wire.ScopeEpochTime, func() any {
		return epochTime{tm.Epoch()}
	}))
	httpx.AddProbes(mux, reg, metricsHere, creds)
}
