package authserver

import (
	"net/http"

	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
)

// counts are the authserver's own metric families.
type counts struct {
	tokens         *metrics.CounterVec // by client_id, registered ones only
	introspections *metrics.CounterVec // by active
	authFailures   *metrics.Counter
	rateLimited    *metrics.Counter
}

func newCounts(reg *metrics.Registry, clientIDs []string) *counts {
	return &counts{
		tokens:         reg.CounterVec("oauthtime_tokens_issued_total", "Access tokens issued, by client.", "client_id", clientIDs...),
		introspections: reg.CounterVec("oauthtime_introspections_total", "Introspections answered, by whether the token was active.", "active", "true", "false"),
		authFailures:   reg.Counter("oauthtime_client_auth_failures_total", "Requests refused because client authentication failed or was missing."),
		rateLimited:    reg.Counter("oauthtime_rate_limited_total", "Requests refused because their caller failed client authentication too often."),
	}
}

// refusals counts h's answers that refuse a client: at /token and
// /introspect, 401 is always a failed or missing client authentication,
// and 429 always the brute-force limit.
func (c *counts) refusals(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		switch httpx.Status(w) {
		case http.StatusUnauthorized:
			c.authFailures.Inc()
		case http.StatusTooManyRequests:
			c.rateLimited.Inc()
		}
	})
}
