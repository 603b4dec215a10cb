package authserver

import (
	"errors"
	"net/http"

	"oauthtime/internal/metrics"
	"oauthtime/internal/oauth"
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

// fail counts err, if it is a failure with a family, and answers it.
func (c *counts) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *oauth.Error
	if errors.As(err, &e) {
		switch e.Kind {
		case oauth.KindUnauthenticated:
			c.authFailures.Inc()
		case oauth.KindRateLimited:
			c.rateLimited.Inc()
		}
	}
	writeError(w, r, err)
}
