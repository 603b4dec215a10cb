package webapp

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"oauthtime/internal/httpx"
	"oauthtime/internal/logging"
	"oauthtime/internal/metrics"
	"oauthtime/internal/secret"
	"oauthtime/internal/servicetest"
	"oauthtime/internal/wire"
)

const (
	clientID     = "12:34"
	clientSecret = "qw%er ty+"
	goodToken    = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJl"
	timeout      = 300 * time.Millisecond
)

// upstreams are fakes of the authserver and resourceserver whose answers a
// test picks, and which record what they were sent.
type upstreams struct {
	auth, res *httptest.Server

	mu        sync.Mutex
	authAns   func(w http.ResponseWriter, r *http.Request)
	resAns    func(w http.ResponseWriter, r *http.Request)
	tokenReqs []map[string]string
	resReqs   []string
}

func jsonAnswer(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func hang(w http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func huge(w http.ResponseWriter, _ *http.Request) { w.Write(bytes.Repeat([]byte("{"), 5<<20)) }

func newUpstreams(t *testing.T) *upstreams {
	t.Helper()
	u := &upstreams{
		authAns: jsonAnswer(200, `{"access_token":"`+goodToken+`","token_type":"Bearer","expires_in":5,"scope":"x","new_member":true}`),
	}
	u.resAns = func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/epoch_time" {
			jsonAnswer(200, `{"epoch_time":1767366245}`)(w, r)
			return
		}
		jsonAnswer(200, `{"current_time":"2026-01-02T15:04:05Z"}`)(w, r)
	}
	u.auth = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got, want := r.Header.Get("Authorization"), wire.BasicAuthorization(clientID, clientSecret); got != want || r.URL.Path != "/token" {
			t.Errorf("token request %s with Authorization %q, want %q", r.URL.Path, got, want)
		}
		r.ParseForm()
		req := map[string]string{"request_id": r.Header.Get("X-Request-ID")}
		for k := range r.PostForm {
			req[k] = r.PostForm.Get(k)
		}
		u.mu.Lock()
		u.tokenReqs = append(u.tokenReqs, req)
		ans := u.authAns
		u.mu.Unlock()
		ans(w, r)
	}))
	u.res = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.resReqs = append(u.resReqs, r.URL.Path+" "+r.Header.Get("Authorization")+" "+r.Header.Get("X-Request-ID"))
		ans := u.resAns
		u.mu.Unlock()
		ans(w, r)
	}))
	t.Cleanup(u.auth.Close)
	t.Cleanup(u.res.Close)
	return u
}

func (u *upstreams) handler(t *testing.T) (http.Handler, *bytes.Buffer) {
	t.Helper()
	return u.handlerWithTimeout(t, timeout)
}

func (u *upstreams) handlerWithTimeout(t *testing.T, timeout time.Duration) (http.Handler, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	authClient, resClient := httpx.NewClient(timeout, nil, nil), httpx.NewClient(timeout, nil, nil)
	t.Cleanup(authClient.Close)
	t.Cleanup(resClient.Close)
	log := logging.New(&logs, "webapp", slog.LevelInfo)
	f := NewFetcher(newTokenClient(log, authClient, u.auth.URL, clientID, secret.New(clientSecret)), newResourceClient(resClient, u.res.URL))
	return NewServer(log, f, Owner{Username: "bob", Password: secret.New("bob-pass")}, metrics.NewRegistry(), true, nil), &logs
}

// TestWebapp has a row for each answer and rule of README.md's webapp
// endpoints.
func TestWebapp(t *testing.T) {
	t.Parallel()
	const text, js = "text/plain; charset=utf-8", "application/json"
	tests := []struct {
		name     string
		path     string
		user     string // "user:pass" for Basic
		accept   string
		authAns  func(http.ResponseWriter, *http.Request)
		resAns   func(http.ResponseWriter, *http.Request)
		status   int
		ctype    string
		body     string // exact body, or a prefix ending in "…"
		noUpcall bool
	}{
		{"current_time as text", "/current_time", "", "", nil, nil, 200, text, "2026-01-02T15:04:05Z\n", false},
		{"epoch_time as text", "/epoch_time", "", "", nil, nil, 200, text, "1767366245\n", false},
		{"current_time as JSON", "/current_time", "", "application/json", nil, nil, 200, js, `{"current_time":"2026-01-02T15:04:05Z"}` + "\n", false},
		{"epoch_time as JSON", "/epoch_time", "", "text/html, application/json;q=0.9", nil, nil, 200, js, `{"epoch_time":1767366245}` + "\n", false},
		{"caller's credentials", "/epoch_time", "alice:pw", "", nil, nil, 200, text, "1767366245\n", false},
		{"empty username", "/current_time", ":pw", "", nil, nil, 401, text, "error: the username or password was refused\n", true},
		{"empty password", "/current_time", "alice:", "", nil, nil, 401, text, "error: the username or password was refused\n", true},
		{"empty password as JSON", "/current_time", "alice:", "application/json", nil, nil, 401, js, `{"error":"invalid_grant","error_description":"the username or password was refused"}` + "\n", true},
		{"invalid_grant", "/current_time", "alice:wrong", "", jsonAnswer(400, `{"error":"invalid_grant"}`), nil, 401, text, "error: the username or password was refused\n", false},
		{"authserver refuses the webapp", "/current_time", "", "", jsonAnswer(401, `{"error":"invalid_client"}`), nil, 502, text, "error: authserver: it refused the webapp's client credentials (WEBAPP_CLIENT_ID, WEBAPP_CLIENT_SECRET)\n", false},
		{"authserver refuses the scope", "/current_time", "", "", jsonAnswer(400, `{"error":"invalid_scope"}`), nil, 502, text, "error: authserver: …", false},
		{"authserver rate limits", "/current_time", "", "", jsonAnswer(429, `{"error":"temporarily_unavailable"}`), nil, 502, text, "error: authserver: it refused the webapp's client credentials (WEBAPP_CLIENT_ID, WEBAPP_CLIENT_SECRET)\n", false},
		{"resourceserver's own credentials refused", "/current_time", "", "", nil, jsonAnswer(502, `{"error":"server_error","error_description":"the authorization server refused the resourceserver's client credentials"}`), 502, text, "error: resourceserver: the authorization server refused the resourceserver's client credentials\n", false},
		{"authserver fails", "/current_time", "", "", jsonAnswer(500, ``), nil, 503, text, "error: authserver: …", false},
		{"authserver times out", "/current_time", "", "", hang, nil, 504, text, "error: authserver: an upstream service timed out\n", false},
		{"authserver answers garbage", "/current_time", "", "", jsonAnswer(200, `{"access_token":`), nil, 502, text, "error: authserver: an upstream service answered nonsense\n", false},
		{"authserver answers a token with spaces", "/current_time", "", "", jsonAnswer(200, `{"access_token":"a b","token_type":"Bearer"}`), nil, 502, text, "error: authserver: …", false},
		{"authserver answers another token type", "/current_time", "", "", jsonAnswer(200, `{"access_token":"abc","token_type":"mac"}`), nil, 502, text, "error: authserver: …", false},
		{"authserver answers 5 MB", "/current_time", "", "", huge, nil, 502, text, "error: authserver: an upstream service answered nonsense\n", false},
		{"authserver answers 5 MB as JSON", "/current_time", "", "application/json", huge, nil, 502, js, `{"error":"bad_gateway","error_description":"authserver: an upstream service answered nonsense"}` + "\n", false},
		{"resourceserver refuses the token", "/current_time", "", "", nil, jsonAnswer(403, `{"error":"insufficient_scope"}`), 502, text, "error: resourceserver: an upstream service refused the webapp\n", false},
		{"resourceserver unavailable", "/current_time", "", "", nil, jsonAnswer(503, `{"error":"temporarily_unavailable"}`), 503, text, "error: resourceserver: an upstream service is unavailable\n", false},
		{"resourceserver times out", "/epoch_time", "", "", nil, hang, 504, text, "error: resourceserver: an upstream service timed out\n", false},
		{"resourceserver answers garbage", "/current_time", "", "", nil, jsonAnswer(200, `<html>`), 502, text, "error: resourceserver: an upstream service answered nonsense\n", false},
		{"resourceserver answers a bad time", "/current_time", "", "", nil, jsonAnswer(200, `{"current_time":"yesterday"}`), 502, text, "error: resourceserver: …", false},
		{"resourceserver answers a fractional epoch", "/epoch_time", "", "", nil, jsonAnswer(200, `{"epoch_time":1.5}`), 502, text, "error: resourceserver: …", false},
		{"resourceserver answers 5 MB", "/epoch_time", "", "", nil, huge, 502, text, "error: resourceserver: …", false},
		{"not found", "/nope", "", "", nil, nil, 404, text, "error: no such path\n", true},
		{"method not allowed", "/current_time", "", "", nil, nil, 405, text, "error: method not allowed, see the Allow header\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := newUpstreams(t)
			if tt.authAns != nil {
				u.authAns = tt.authAns
			}
			if tt.resAns != nil {
				u.resAns = tt.resAns
			}
			h, logs := u.handler(t)
			method := http.MethodGet
			if tt.name == "method not allowed" {
				method = http.MethodPost
			}
			req := httptest.NewRequest(method, tt.path, nil)
			req.Header.Set("X-Request-ID", "rid-"+strings.ReplaceAll(tt.name[:4], " ", "_"))
			if tt.user != "" {
				user, pass, _ := strings.Cut(tt.user, ":")
				req.SetBasicAuth(user, pass)
			}
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			w := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(w, req)
			if d := time.Since(start); d > 2*timeout+time.Second {
				t.Errorf("took %v, more than the timeouts allow", d)
			}
			if w.Code != tt.status || w.Header().Get("Content-Type") != tt.ctype {
				t.Fatalf("got %d %q, want %d %q; body %q", w.Code, w.Header().Get("Content-Type"), tt.status, tt.ctype, w.Body)
			}
			if prefix, ok := strings.CutSuffix(tt.body, "…"); ok {
				if !strings.HasPrefix(w.Body.String(), prefix) || !strings.HasSuffix(w.Body.String(), "\n") || strings.Count(w.Body.String(), "\n") != 1 {
					t.Errorf("body = %q, want one line starting %q", w.Body, prefix)
				}
			} else if w.Body.String() != tt.body {
				t.Errorf("body = %q, want %q", w.Body, tt.body)
			}
			if tt.status == 401 && w.Header().Get("WWW-Authenticate") != `Basic realm="webapp"` {
				t.Errorf("WWW-Authenticate = %q", w.Header().Get("WWW-Authenticate"))
			}
			u.mu.Lock()
			defer u.mu.Unlock()
			if tt.noUpcall && len(u.tokenReqs)+len(u.resReqs) > 0 {
				t.Errorf("upstreams were called: %v %v", u.tokenReqs, u.resReqs)
			}
			servicetest.AssertNoSecrets(t, logs.String(), clientSecret, "bob-pass", goodToken, "pw")
		})
	}
}

// TestRefusedCredentialsSaySo: when the authserver refuses the webapp's own
// client credentials, the webapp's log line for the 502 names the settings
// to check.
func TestRefusedCredentialsSaySo(t *testing.T) {
	t.Parallel()
	u := newUpstreams(t)
	u.authAns = jsonAnswer(401, `{"error":"invalid_client"}`)
	h, logs := u.handler(t)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/current_time", nil))
	if w.Code != http.StatusBadGateway {
		t.Fatalf("status %d", w.Code)
	}
	if !strings.Contains(logs.String(), `"level":"ERROR","msg":"the authserver refused our client credentials: WEBAPP_CLIENT_ID and WEBAPP_CLIENT_SECRET must match`) {
		t.Fatalf("the log line does not say the webapp's credentials were refused:\n%s", logs)
	}
}

// TestTokenRequests checks what the webapp sends the authserver and the
// resourceserver: the right owner, exactly the call's scope, the token it
// was given, and the request ID.
func TestTokenRequests(t *testing.T) {
	t.Parallel()
	u := newUpstreams(t)
	h, _ := u.handler(t)
	for _, c := range []struct{ path, user string }{{"/current_time", ""}, {"/epoch_time", "alice:s3cret"}} {
		req := httptest.NewRequest(http.MethodGet, c.path, nil)
		req.Header.Set("X-Request-ID", "rid"+strings.TrimPrefix(c.path, "/"))
		if c.user != "" {
			user, pass, _ := strings.Cut(c.user, ":")
			req.SetBasicAuth(user, pass)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", c.path, w.Code, w.Body)
		}
	}
	want := []map[string]string{
		{"grant_type": "password", "username": "bob", "password": "bob-pass", "scope": "current_time", "request_id": "ridcurrent_time"},
		{"grant_type": "password", "username": "alice", "password": "s3cret", "scope": "epoch_time", "request_id": "ridepoch_time"},
	}
	got, _ := json.Marshal(u.tokenReqs)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("token requests = %s\nwant %s", got, wantJSON)
	}
	wantRes := []string{
		"/current_time Bearer " + goodToken + " ridcurrent_time",
		"/epoch_time Bearer " + goodToken + " ridepoch_time",
	}
	if strings.Join(u.resReqs, "|") != strings.Join(wantRes, "|") {
		t.Errorf("resource requests = %q, want %q", u.resReqs, wantRes)
	}
}

// TestAuthserverDown: nothing listening gives 503 at once.
func TestAuthserverDown(t *testing.T) {
	t.Parallel()
	u := newUpstreams(t)
	h, _ := u.handler(t)
	u.auth.Close()
	w := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/current_time", nil))
	if w.Code != 503 || time.Since(start) > time.Second {
		t.Fatalf("status %d after %v: %s", w.Code, time.Since(start), w.Body)
	}
}

// TestCallerHangsUp: a caller that goes away cancels the upstream call.
func TestCallerHangsUp(t *testing.T) {
	t.Parallel()
	u := newUpstreams(t)
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	u.authAns = func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(cancelled)
	}
	// A long upstream timeout, so that only the caller's leaving can end
	// the upstream call within the second allowed below.
	h, _ := u.handlerWithTimeout(t, 10*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodGet, "/current_time", nil).WithContext(ctx)
	done := make(chan struct{})
	go func() {
		h.ServeHTTP(httptest.NewRecorder(), req)
		close(done)
	}()
	<-arrived
	cancel()
	select {
	case <-cancelled:
	case <-time.After(time.Second):
		t.Fatal("the upstream call went on after the caller left")
	}
	<-done
}

// TestHeadNoUpstreamCall: HEAD is answered with a GET's headers and no
// call upstream, so it spends no token and no introspection.
func TestHeadNoUpstreamCall(t *testing.T) {
	t.Parallel()
	u := newUpstreams(t)
	h, _ := u.handler(t)
	for _, path := range []string{"/current_time", "/epoch_time"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, path, nil))
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/plain; charset=utf-8" || rec.Body.Len() != 0 {
			t.Errorf("HEAD %s: %d %q %q", path, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.tokenReqs) != 0 || len(u.resReqs) != 0 {
		t.Fatalf("HEAD called upstream: %d token requests, %d resource requests", len(u.tokenReqs), len(u.resReqs))
	}
}
