// Package webapp is the HTTP transport of the webapp over the fetch domain:
// routes, the caller's credentials, plain-text or JSON answers, the HTTP
// clients of its two upstreams, and Run.
package webapp

import (
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// maxBody caps request bodies; the webapp takes none.
const maxBody = 4 << 10

// NewServer returns the webapp's handler. owner is the resource owner used
// when a caller sends no credentials; reg records what it does, and GET
// /metrics serves it if metricsHere (else a listener of its own does).
func NewServer(log *slog.Logger, f *Fetcher, owner Owner, reg *metrics.Registry, metricsHere bool, creds *httpx.Credentials) http.Handler {
	mux := http.NewServeMux()
	addRoutes(mux, f, owner, reg, metricsHere, creds)
	return httpx.Wrap(mux, log, writeError, maxBody, reg.HTTP())
}

// answer is a resource in the webapp's two forms.
type answer struct {
	text string
	json any
}

// currentTime is {"current_time":"..."}.
type currentTime struct {
	CurrentTime string `json:"current_time"`
}

// epochTime is {"epoch_time":...}.
type epochTime struct {
	EpochTime int64 `json:"epoch_time"`
}

func handleFetch(defaultOwner Owner, get func(*http.Request, Owner) (answer, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			// The headers a GET's answer has, and no call upstream: a
			// HEAD would spend a token and an introspection on a body
			// no one reads.
			if wantsJSON(r) {
				w.Header().Set("Content-Type", "application/json")
			} else {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			}
			return
		}
		owner, err := callerOwner(r, defaultOwner)
		if err != nil {
			writeError(w, r, err)
			return
		}
		a, err := get(r, owner)
		if err != nil {
			writeError(w, r, err)
			return
		}
		if wantsJSON(r) {
			httpx.WriteJSON(w, http.StatusOK, a.json)
			return
		}
		writeText(w, http.StatusOK, a.text)
	})
}

// callerOwner returns the resource owner of a call: the caller's HTTP
// Basic credentials (curl -u alice:pw) if it sent an Authorization header,
// else the configured one. The password is used for one token request and
// then dropped with the request.
func callerOwner(r *http.Request, defaultOwner Owner) (Owner, error) {
	switch len(r.Header.Values("Authorization")) {
	case 0:
		return defaultOwner, nil
	case 1:
		if user, pass, ok := r.BasicAuth(); ok {
			return Owner{Username: user, Password: secret.New(pass)}, nil
		}
	}
	return Owner{}, &Error{Kind: KindOwnerRefused}
}

// wantsJSON reports whether the Accept header names application/json.
func wantsJSON(r *http.Request) bool {
	for _, accept := range r.Header.Values("Accept") {
		for _, part := range strings.Split(accept, ",") {
			if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "application/json" {
				return true
			}
		}
	}
	return false
}

func writeText(w http.ResponseWriter, status int, line string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(line + "\n"))
}

// writeError is the one place where errors become webapp responses.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpx.Error
	if errors.As(err, &he) {
		writeErrorBody(w, r, he.Status, he.Code, he.Description)
		return
	}
	status, code, message := http.StatusInternalServerError, wire.CodeServerError, "internal error"
	var fe *Error
	if errors.As(err, &fe) {
		message = fe.Message()
		switch fe.Kind {
		case KindOwnerRefused:
			status, code = http.StatusUnauthorized, wire.CodeInvalidGrant
			w.Header().Set("WWW-Authenticate", `Basic realm="webapp"`)
		case KindTimeout:
			status, code = http.StatusGatewayTimeout, wire.CodeUpstreamTimeout
		case KindUnavailable:
			status, code = http.StatusServiceUnavailable, wire.CodeUpstreamUnavailable
		case KindRefused, KindBadAnswer, KindClientRefused:
			status, code = http.StatusBadGateway, wire.CodeBadGateway
		}
	}
	httpx.Annotate(w, slog.String("error", code), slog.String("cause", err.Error()))
	writeErrorBody(w, r, status, code, message)
}

// writeErrorBody writes an error as one line of text, or as JSON to a
// caller that accepts it.
func writeErrorBody(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	if wantsJSON(r) {
		httpx.JSONError(w, r, status, code, message)
		return
	}
	writeText(w, status, "error: "+message)
}
