package authserver

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"oauthtime/internal/httpx"
	"oauthtime/internal/oauth"
	"oauthtime/internal/wire"
)

// writeError is the one place where errors become HTTP responses.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpx.Error
	if errors.As(err, &he) {
		httpx.JSONError(w, r, he.Status, he.Code, he.Description)
		return
	}
	var e *oauth.Error
	if !errors.As(err, &e) {
		e = &oauth.Error{Kind: oauth.KindInternal, Code: wire.CodeServerError, Description: "internal error", Err: err}
	}
	status := statusOf(e.Kind)
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Basic realm="authserver"`)
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds(e.RetryAfter)))
	}
	httpx.Annotate(w, slog.String("error", e.Code), slog.String("error_description", e.Description))
	if e.Err != nil {
		httpx.Annotate(w, slog.String("cause", e.Err.Error()))
	}
	httpx.JSONError(w, r, status, e.Code, e.Description)
}

func statusOf(k oauth.Kind) int {
	switch k {
	case oauth.KindInvalid:
		return http.StatusBadRequest
	case oauth.KindUnauthenticated:
		return http.StatusUnauthorized
	case oauth.KindForbidden:
		return http.StatusForbidden
	case oauth.KindRateLimited:
		return http.StatusTooManyRequests
	case oauth.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// retryAfterSeconds rounds up, so a client that waits as told is admitted.
func retryAfterSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
