package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/httpx"
	"oauthtime/internal/jwt"
	"oauthtime/internal/trace"
	"oauthtime/internal/wire"
)

// The bare system: the same topology and the same bytes on every hop as
// the real services (form POSTs with Basic credentials for a token and an
// introspection, a GET with a Bearer header, the request ID and a
// traceparent forwarded on every call, the same JSON answers with the same
// headers) from handlers that do nothing else: no checks, no logs, no
// metrics. Against it, benchmarks measure what the real work costs.

// bareID and bareParent are the request ID and traceparent the bare
// webapp sends on every call, as the real one sends its own.
const (
	bareID     = "0123456789abcdef0123456789abcdef"
	bareParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
)

// bareAnswers are a real token answer and the real introspection answer
// for its token, issued with the tests' signing key, valid for an hour.
func bareAnswers(t testing.TB) (tokenJSON, activeJSON string) {
	t.Helper()
	key, err := jwt.NewKey([]byte(signingKey))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.NewIssuer(key, "http://localhost:5001", "resourceserver", time.Hour, clock.System{}).Issue("bob", "1234", "current_time")
	if err != nil {
		t.Fatal(err)
	}
	tokenJSON = `{"access_token":"` + tok.Raw.Reveal() + `","token_type":"Bearer","expires_in":3600,"scope":"current_time"}` + "\n"
	activeJSON = fmt.Sprintf(`{"active":true,"scope":"current_time","client_id":"1234","username":"bob","token_type":"Bearer","exp":%d,"iat":%d,"sub":"bob","aud":"resourceserver","iss":"http://localhost:5001","jti":"%s"}`+"\n",
		tok.Expiry.Unix(), tok.IssuedAt.Unix(), tok.ID)
	return tokenJSON, activeJSON
}

// bareJSON writes body as the real services write a JSON answer, with the
// caller's request ID or, as a real service makes one, an ID of the same
// length.
func bareJSON(w http.ResponseWriter, r *http.Request, body string, noStore bool) {
	id := r.Header.Get(trace.RequestIDHeader)
	if id == "" {
		id = bareID
	}
	w.Header().Set(trace.RequestIDHeader, id)
	if noStore {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, body)
}

// bareAuth answers POST /token and POST /introspect as the authserver
// does, having parsed the form and the Basic header as it must.
func bareAuth(tokenJSON, activeJSON string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		r.BasicAuth()
		bareJSON(w, r, tokenJSON, true)
	})
	mux.HandleFunc("POST /introspect", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		r.BasicAuth()
		bareJSON(w, r, activeJSON, true)
	})
	return mux
}

// bareHeaders sets what the real services send on every upstream call.
func bareHeaders(req *http.Request, r *http.Request) {
	req.Header.Set(trace.RequestIDHeader, r.Header.Get(trace.RequestIDHeader))
	req.Header.Set(trace.Header, bareParent)
}

// bareResource answers GET /current_time as the resourceserver does,
// having had the authserver introspect the token.
func bareResource(authURL string, c *httpx.Client) http.Handler {
	basic := wire.BasicAuthorization("resourceserver", "resourceserver-secret")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		req, _ := http.NewRequest(http.MethodPost, authURL+"/introspect", strings.NewReader("token="+url.QueryEscape(tok)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", basic)
		bareHeaders(req, r)
		var info struct {
			Active bool `json:"active"`
		}
		if !roundTrip(c, req, &info) || !info.Active {
			http.Error(w, "introspection failed", http.StatusServiceUnavailable)
			return
		}
		bareJSON(w, r, `{"current_time":"2026-01-02T15:04:05Z"}`+"\n", false)
	})
}

// bareWeb answers GET /current_time as the webapp does: a token, then the
// resource, then a line of text.
func bareWeb(authURL, resURL string, authC, resC *httpx.Client) http.Handler {
	basic := wire.BasicAuthorization("1234", "qwerty")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set(trace.RequestIDHeader, bareID)
		form := url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"bob-pass"}, "scope": {"current_time"}}
		req, _ := http.NewRequest(http.MethodPost, authURL+"/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", basic)
		bareHeaders(req, r)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if !roundTrip(authC, req, &tok) {
			http.Error(w, "token failed", http.StatusBadGateway)
			return
		}
		req, _ = http.NewRequest(http.MethodGet, resURL+"/current_time", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		bareHeaders(req, r)
		var ct struct {
			CurrentTime string `json:"current_time"`
		}
		if !roundTrip(resC, req, &ct) {
			http.Error(w, "resource failed", http.StatusBadGateway)
			return
		}
		w.Header().Set(trace.RequestIDHeader, bareID)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, ct.CurrentTime+"\n")
	})
}

// bareRoleEnv, set, makes this test binary a bare service (see runBare):
// the processes benchmark starts the bare system so.
const bareRoleEnv = "OAUTHTIME_BARE_ROLE"

// runBare serves one bare service until SIGTERM or SIGINT: role is auth,
// res or web; the upstream URLs come from BARE_AUTH_URL and BARE_RES_URL.
// It prints the "listening" line a real service prints, and nothing else.
func runBare(role string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	var h http.Handler
	authURL, resURL := os.Getenv("BARE_AUTH_URL"), os.Getenv("BARE_RES_URL")
	switch role {
	case "auth":
		h = bareAuth(os.Getenv("BARE_TOKEN_JSON"), os.Getenv("BARE_ACTIVE_JSON"))
	case "res":
		h = bareResource(authURL, httpx.NewClient(5*time.Second, nil, nil))
	case "web":
		h = bareWeb(authURL, resURL, httpx.NewClient(5*time.Second, nil, nil), httpx.NewClient(5*time.Second, nil, nil))
	default:
		fmt.Fprintln(os.Stderr, "unknown bare role", role)
		return 2
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 64 << 10}
	fmt.Printf(`{"msg":"listening","addr":%q}`+"\n", ln.Addr().String())
	go srv.Serve(ln)
	<-ctx.Done()
	srv.Close()
	return 0
}
