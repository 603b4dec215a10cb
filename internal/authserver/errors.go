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
	var e *oauth.Error
	switch {
	case errors.Is(err, errBodyTooLarge):
		e = &oauth.Error{Kind: oauth.KindInvalid, Code: wire.CodeInvalidRequest, Description: "the request body is over 64 KiB"}
	case errors.Is(err, errBodyUnreadable):
		e = &oauth.Error{Kind: oauth.KindInvalid, Code: wire.CodeInvalidRequest, Description: "the request body could not be read", Err: err}
	case errors.Is(err, errContentType):
		e = &oauth.Error{Kind: oauth.KindInvalid, Code: wire.CodeInvalidRequest, Description: "the body must be application/x-www-form-urlencoded"}
	case !errors.As(err, &e):
		e = &oauth.Error{Kind: oauth.KindInternal, Code: wire.CodeServerError, Description: "internal error", Err: err}
	}
	status := statusOf(e.Kind)
	if errors.Is(err, errBodyTooLarge) {
		status = http.StatusRequestEntityTooLarge
	}
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
	}
	return http.StatusInternalServerError
}

// retryAfterSeconds rounds up, so a client that waits as told is admitted.
func retryAfterSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
