// Package httpx is the HTTP plumbing the three services share: the
// middleware every request passes through (request ID, body cap, panic
// recovery, access log), JSON and error responses, 404 and 405 answers in the
// service's own error shape, a server with timeouts, a connection cap and
// a graceful stop, upstream clients with timeouts and connection reuse, and
// the health-check client. It knows nothing of settings: it is handed
// values.
package httpx

import (
	"encoding/json"
	"net/http"

	"oauthtime/internal/metrics"
)

// ErrorWriter is a service's one error writer: it turns err into an answer
// in the service's own shape. The middleware hands it an *Error for what it
// answers itself.
type ErrorWriter func(w http.ResponseWriter, r *http.Request, err error)

// Error is an answer the middleware gives itself: a path no route serves
// (404), a method the route does not take (405), a panic (500).
type Error struct {
	Status            int
	Code, Description string // a short machine-readable word, a fixed human text
}

func (e *Error) Error() string { return e.Description }

// NoStore marks an answer not to be cached: one that carries a token or
// facts about one (RFC 6749 §5.1), or an error about credentials.
func NoStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}

// WriteJSON writes v as a JSON body, and a newline, with status. v is one
// of the services' plain response structs, whose encoding cannot fail.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// errorBody is the error shape of RFC 6749 §5.2, used by every JSON service.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// JSONError writes an error in the JSON services' shape (RFC 6749 §5.2),
// marked no-store, as RFC 6749 §5.2 wants for the token endpoint and as is
// right for any error about credentials.
func JSONError(w http.ResponseWriter, _ *http.Request, status int, code, description string) {
	NoStore(w)
	WriteJSON(w, status, errorBody{Error: SafeText(code), Description: SafeText(description)})
}

// SafeText keeps only what RFC 6749 §5.2 and RFC 6750 §3 allow in error and
// error_description: printable ASCII except '"' and '\'. Descriptions are
// fixed strings already; this makes it hold by construction.
func SafeText(s string) string {
	for i := 0; i < len(s); i++ {
		if !safeByte(s[i]) {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if !safeByte(b[j]) {
					b[j] = '?'
				}
			}
			return string(b)
		}
	}
	return s
}

func safeByte(c byte) bool { return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' }

// AddProbes adds the routes every service has beside its API: GET
// /healthz, /livez and /readyz, and GET /metrics, serving reg, if
// metricsHere. creds, if not nil, are the service's own client credentials
// at the authserver: while they are refused, it is not ready.
func AddProbes(mux *http.ServeMux, reg *metrics.Registry, metricsHere bool, creds *Credentials) {
	mux.Handle("GET /healthz", HandleHealthz())
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, _ *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if Draining(r.Context()) {
			WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining", "reason": "the service is stopping"})
		} else if err := creds.Refused(); err != nil {
			WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unready", "reason": err.Error()})
		} else {
			WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		}
	})
	if metricsHere {
		mux.Handle("GET /metrics", reg.Handler())
	}
}

// HandleHealthz answers GET /healthz for every service: 200 while it
// serves, 503 while it drains before stopping.
func HandleHealthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Draining(r.Context()) {
			WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
			return
		}
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}
