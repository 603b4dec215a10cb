package webapp

import (
	"net/http"
	"strconv"

	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
)

// addRoutes is the webapp's whole API surface.
func addRoutes(mux *http.ServeMux, f *Fetcher, owner Owner, reg *metrics.Registry, metricsHere bool, creds *httpx.Credentials) {
	mux.Handle("GET /current_time", handleFetch(owner, func(r *http.Request, o Owner) (answer, error) {
		t, err := f.CurrentTime(r.Context(), o)
		return answer{text: t, json: currentTime{t}}, err
	}))
	mux.Handle("GET /epoch_time", handleFetch(owner, func(r *http.Request, o Owner) (answer, error) {
		t, err := f.EpochTime(r.Context(), o)
		return answer{text: strconv.FormatInt(t, 10), json: epochTime{t}}, err
	}))
	httpx.AddProbes(mux, reg, metricsHere, creds)
}
