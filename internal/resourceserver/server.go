// Package resourceserver is the HTTP transport of the resource server over
// the resource domain: routes, Bearer parsing, the introspection client,
// RFC 6750 error responses, and Run.
package resourceserver

import (
	"errors"
	"log/slog"
	"net/http"

	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
	"oauthtime/internal/wire"
)

// maxBody caps request bodies; the resources take none.
const maxBody = 4 << 10

// NewServer returns the resource server's handler. reg records what it
// does, and GET /metrics serves it if metricsHere (else a listener of its
// own does).
func NewServer(log *slog.Logger, guard *Guard, tm Time, reg *metrics.Registry, metricsHere bool, creds *httpx.Credentials) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, guard, tm, reg, metricsHere, creds)
	return httpx.Wrap(mux, log, func(w http.ResponseWriter, r *http.Request, err error) { writeError(w, r, "", err) }, maxBody, reg.HTTP())
}

type currentTime struct {
	CurrentTime string `json:"current_time"`
}

type epochTime struct {
	EpochTime int64 `json:"epoch_time"`
}

// handleResource serves a resource that needs scope.
func handleResource(guard *Guard, scope string, read func() any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, err := wire.ParseBearer(r.Header.Values("Authorization"))
		if err == nil && r.URL.RawQuery != "" && r.URL.Query().Has("access_token") {
			err = wire.ErrMalformed // two methods at once (RFC 6750 §2)
		}
		if err != nil {
			writeError(w, r, scope, err)
			return
		}
		info, err := guard.Authorize(r.Context(), token, scope)
		if err != nil {
			writeError(w, r, scope, err)
			return
		}
		httpx.Annotate(w, slog.String("client_id", info.ClientID))
		httpx.WriteJSON(w, http.StatusOK, read())
	})
}

// writeError is the one place where errors become RFC 6750 responses.
func writeError(w http.ResponseWriter, r *http.Request, scope string, err error) {
	var he *httpx.Error
	if errors.As(err, &he) {
		httpx.JSONError(w, r, he.Status, he.Code, he.Description)
		return
	}
	status, code, description := http.StatusInternalServerError, wire.CodeServerError, "internal error"
	var re *Error
	switch {
	case errors.Is(err, wire.ErrNoToken):
		status, code, description = http.StatusUnauthorized, wire.CodeUnauthorized, "a Bearer token is required"
	case errors.Is(err, wire.ErrMalformed):
		status, code, description = http.StatusBadRequest, wire.CodeInvalidRequest, "the Authorization header must be Bearer and one b64token"
	case errors.As(err, &re):
		switch re.Kind {
		case KindInvalidToken:
			status, code, description = http.StatusUnauthorized, wire.CodeInvalidToken, "the access token is invalid or expired"
		case KindInsufficientScope:
			status, code, description = http.StatusForbidden, wire.CodeInsufficientScope, "the access token lacks the scope "+scope
		case KindUnavailable:
			status, code, description = http.StatusServiceUnavailable, wire.CodeTemporarilyUnavailable, "the authorization server is unavailable"
		case KindClientRefused:
			status, code, description = http.StatusBadGateway, wire.CodeServerError, ErrClientRefused.Error()
		}
	}
	challenge := `Bearer realm="resourceserver"`
	// Only the codes of RFC 6750 §3.1 go in the challenge; a request with
	// no token at all gets none (§3.1), nor does a failure of ours.
	switch code {
	case wire.CodeInvalidRequest, wire.CodeInvalidToken, wire.CodeInsufficientScope:
		challenge += `, error="` + code + `", error_description="` + httpx.SafeText(description) + `"`
	}
	if status == http.StatusForbidden {
		challenge += `, scope="` + scope + `"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	httpx.Annotate(w, slog.String("error", code), slog.String("cause", err.Error()))
	httpx.JSONError(w, r, status, code, description)
}
