package authserver

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/jwt"
	"oauthtime/internal/logging"
	"oauthtime/internal/oauth"
	"oauthtime/internal/servicetest"
	"oauthtime/internal/wire"
)

var testNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

const testKey = "test-signing-key-of-32-bytes-min"

type testServer struct {
	h     http.Handler
	clock *clock.Manual
	logs  *bytes.Buffer
	base  settings
}

// newTestServer wires the real authserver with a manual clock.
func newTestServer(t testing.TB, maxFailures int) testServer {
	t.Helper()
	var logs bytes.Buffer
	clk := clock.NewManual(testNow)
	key, err := jwt.NewKey([]byte(testKey))
	if err != nil {
		t.Fatal(err)
	}
	clients, err := oauth.NewRegistry(oauth.DefaultClients())
	if err != nil {
		t.Fatal(err)
	}
	st := settings{
		issuer: "http://localhost:5001", audience: "resourceserver", key: key,
		ttl: 5 * time.Second, clients: clients, maxFailures: maxFailures,
	}
	h, _ := build(logging.New(&logs, "authserver", slog.LevelDebug), st, clk)
	return testServer{h: h, clock: clk, logs: &logs, base: st}
}

// settings returns the server's settings with trusted proxies.
func (s testServer) settings(t testing.TB, trustedProxies string) settings {
	t.Helper()
	p, err := parseTrustedProxies(trustedProxies)
	if err != nil {
		t.Fatal(err)
	}
	st := s.base
	st.trustedProxies = p
	return st
}

// request describes one call.
type request struct {
	method, path, contentType, body string
	basic                           string // "id:secret", sent as RFC 6749 §2.3.1 says
	header                          map[string]string
}

func (s testServer) do(t testing.TB, r request) *httptest.ResponseRecorder {
	t.Helper()
	if r.method == "" {
		r.method = http.MethodPost
	}
	req := httptest.NewRequest(r.method, r.path, strings.NewReader(r.body))
	if r.contentType == "" && r.method == http.MethodPost {
		r.contentType = "application/x-www-form-urlencoded"
	}
	if r.contentType != "none" && r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if r.basic != "" {
		id, sec, _ := strings.Cut(r.basic, ":")
		req.Header.Set("Authorization", wire.BasicAuthorization(id, sec))
	}
	for k, v := range r.header {
		req.Header.Add(k, v)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	return w
}

const pwGrant = "grant_type=password&username=bob&password=pw"

// want is what a test expects of a response.
type want struct {
	status int
	error  string            // the "error" member, "" for success
	header map[string]string // headers that must have these values
}

func check(t testing.TB, w *httptest.ResponseRecorder, wt want) map[string]any {
	t.Helper()
	if w.Code != wt.status {
		t.Fatalf("status = %d, want %d; body %s", w.Code, wt.status, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	for k, v := range wt.header {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if w.Header().Get("X-Request-ID") == "" {
		t.Error("no X-Request-ID in the response")
	}
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %s", w.Body)
	}
	if wt.error != "" {
		if body["error"] != wt.error {
			t.Errorf("error = %v, want %s", body["error"], wt.error)
		}
		desc, _ := body["error_description"].(string)
		checkErrorText(t, wt.error+desc)
		if len(body) > 2 {
			t.Errorf("error body has extra members: %v", body)
		}
	}
	return body
}

// checkErrorText is 6749-28: only %x20-21 / %x23-5B / %x5D-7E.
func checkErrorText(t testing.TB, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			t.Errorf("error text %q has %q, outside RFC 6749 §5.2", s, c)
		}
	}
}

var (
	hdrNoStore = map[string]string{"Cache-Control": "no-store", "Pragma": "no-cache"}
	basicAuth  = map[string]string{"WWW-Authenticate": `Basic realm="authserver"`, "Cache-Control": "no-store"}
	errStore   = map[string]string{"Cache-Control": "no-store"}
)

// TestTokenEndpoint has a row for each answer of /token that README.md's
// Endpoints section lists.
func TestTokenEndpoint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  request
		want want
	}{
		{"6749-21 success with Basic", request{basic: "1234:qwerty", body: pwGrant}, want{200, "", hdrNoStore}},
		{"6749-04 success with body credentials", request{body: pwGrant + "&client_id=1234&client_secret=qwerty"}, want{200, "", hdrNoStore}},
		{"6749-11 unknown parameters ignored", request{basic: "1234:qwerty", body: pwGrant + "&foo=bar&token_type_hint=x"}, want{200, "", hdrNoStore}},
		{"content type with charset", request{basic: "1234:qwerty", body: pwGrant, contentType: "application/x-www-form-urlencoded; charset=utf-8"}, want{200, "", hdrNoStore}},
		{"6749-16 grant_type missing", request{basic: "1234:qwerty", body: "username=bob&password=pw"}, want{400, "invalid_request", errStore}},
		{"6749-16 username missing", request{basic: "1234:qwerty", body: "grant_type=password&password=pw"}, want{400, "invalid_request", errStore}},
		{"6749-16 password missing", request{basic: "1234:qwerty", body: "grant_type=password&username=bob"}, want{400, "invalid_request", errStore}},
		{"6749-10 empty username counts as missing", request{basic: "1234:qwerty", body: "grant_type=password&username=&password=pw"}, want{400, "invalid_request", errStore}},
		{"6749-12 repeated parameter", request{basic: "1234:qwerty", body: pwGrant + "&grant_type=password"}, want{400, "invalid_request", errStore}},
		{"wrong content type", request{basic: "1234:qwerty", body: pwGrant, contentType: "application/json"}, want{400, "invalid_request", errStore}},
		{"no content type", request{basic: "1234:qwerty", body: pwGrant, contentType: "none"}, want{400, "invalid_request", errStore}},
		{"malformed body", request{basic: "1234:qwerty", body: "grant_type=%zz&username=bob"}, want{400, "invalid_request", errStore}},
		{"bad %-encoding in Basic", request{body: pwGrant, header: map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("12%zz:qwerty"))}}, want{400, "invalid_request", errStore}},
		{"Basic without a colon", request{body: pwGrant, header: map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("1234"))}}, want{400, "invalid_request", errStore}},
		{"6749-01 two authentication methods", request{basic: "1234:qwerty", body: pwGrant + "&client_secret=qwerty"}, want{400, "invalid_request", errStore}},
		{"body over 64 KiB", request{basic: "1234:qwerty", body: pwGrant + "&pad=" + strings.Repeat("a", 64<<10)}, want{413, "invalid_request", errStore}},
		{"6749-27 unknown client", request{basic: "9999:qwerty", body: pwGrant}, want{401, "invalid_client", basicAuth}},
		{"6749-27 wrong secret", request{basic: "1234:wrong", body: pwGrant}, want{401, "invalid_client", basicAuth}},
		{"wrong secret in the body", request{body: pwGrant + "&client_id=1234&client_secret=wrong"}, want{401, "invalid_client", basicAuth}},
		{"6749-13 no client authentication", request{body: pwGrant}, want{401, "invalid_client", basicAuth}},
		{"6749-05 credentials in the query are not read", request{path: "/token?client_id=1234&client_secret=qwerty", body: pwGrant}, want{401, "invalid_client", basicAuth}},
		{"Bearer instead of Basic", request{body: pwGrant, header: map[string]string{"Authorization": "Bearer abc"}}, want{401, "invalid_client", basicAuth}},
		{"client not registered for the password grant", request{basic: "resourceserver:resourceserver-secret", body: pwGrant}, want{400, "unauthorized_client", errStore}},
		{"grant_type client_credentials", request{basic: "1234:qwerty", body: "grant_type=client_credentials"}, want{400, "unsupported_grant_type", errStore}},
		{"grant_type authorization_code", request{basic: "1234:qwerty", body: "grant_type=authorization_code&code=x"}, want{400, "unsupported_grant_type", errStore}},
		{"scope unknown", request{basic: "1234:qwerty", body: pwGrant + "&scope=admin"}, want{400, "invalid_scope", errStore}},
		{"scope beyond the client's", request{basic: "1234:qwerty", body: pwGrant + "&scope=current_time+admin"}, want{400, "invalid_scope", errStore}},
		{"6749-08 GET", request{method: http.MethodGet}, want{405, "method_not_allowed", map[string]string{"Allow": "POST"}}},
		{"PUT", request{method: http.MethodPut, body: pwGrant}, want{405, "method_not_allowed", map[string]string{"Allow": "POST"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newTestServer(t, 10)
			if tt.req.path == "" {
				tt.req.path = "/token"
			}
			body := check(t, s.do(t, tt.req), tt.want)
			if tt.want.status != 200 {
				return
			}
			if body["token_type"] != "Bearer" || body["expires_in"] != float64(5) || body["scope"] != "current_time epoch_time" {
				t.Errorf("token response = %v", body)
			}
			if _, ok := body["refresh_token"]; ok {
				t.Error("a refresh token was issued")
			}
			tok, _ := body["access_token"].(string)
			if strings.Count(tok, ".") != 2 {
				t.Errorf("access_token = %q", tok)
			}
		})
	}
}

// TestTokenScope checks 6749-14: the scope granted is reported.
func TestTokenScope(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 10)
	for _, scope := range []string{"current_time", "epoch_time", "epoch_time current_time"} {
		body := check(t, s.do(t, request{path: "/token", basic: "1234:qwerty", body: pwGrant + "&scope=" + url.QueryEscape(scope)}), want{200, "", hdrNoStore})
		wantScope := scope
		if strings.Contains(scope, " ") {
			wantScope = "current_time epoch_time"
		}
		if body["scope"] != wantScope {
			t.Errorf("scope %q: granted %v", scope, body["scope"])
		}
	}
}

// TestBruteForce429 checks the 429 row at both endpoints, counted together.
func TestBruteForce429(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 3)
	bad := request{path: "/token", basic: "1234:guess", body: pwGrant}
	check(t, s.do(t, bad), want{401, "invalid_client", basicAuth})
	check(t, s.do(t, bad), want{401, "invalid_client", basicAuth})
	check(t, s.do(t, request{path: "/introspect", basic: "resourceserver:guess", body: "token=x"}), want{401, "invalid_client", basicAuth})
	s.clock.Advance(20 * time.Second)
	limited := want{429, "temporarily_unavailable", map[string]string{"Retry-After": "40"}}
	check(t, s.do(t, bad), limited)
	check(t, s.do(t, request{path: "/token", basic: "1234:qwerty", body: pwGrant}), limited)
	check(t, s.do(t, request{path: "/introspect", basic: "resourceserver:resourceserver-secret", body: "token=x"}), limited)
	check(t, s.do(t, request{path: "/token", body: "not even a form", contentType: "text/plain"}), limited)
	s.clock.Advance(40 * time.Second)
	check(t, s.do(t, request{path: "/token", basic: "1234:qwerty", body: pwGrant}), want{200, "", hdrNoStore})
}

// TestBruteForceBehindProxy: behind a trusted proxy, the limit counts the
// callers the proxy names, so ten bad guesses by one of them do not lock
// out the others (or the system's own clients) that share the proxy.
func TestBruteForceBehindProxy(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 3)
	s.h, _ = build(logging.New(s.logs, "authserver", slog.LevelDebug), s.settings(t, "192.0.2.0/24"), s.clock)
	via := func(caller string) map[string]string { return map[string]string{"X-Forwarded-For": caller} }
	for i := 0; i < 3; i++ {
		check(t, s.do(t, request{path: "/token", basic: "1234:guess", body: pwGrant, header: via("203.0.113.66")}), want{401, "invalid_client", basicAuth})
	}
	check(t, s.do(t, request{path: "/token", basic: "1234:qwerty", body: pwGrant, header: via("203.0.113.66")}), want{429, "temporarily_unavailable", nil})
	check(t, s.do(t, request{path: "/token", basic: "1234:qwerty", body: pwGrant, header: via("203.0.113.7")}), want{200, "", hdrNoStore})
	check(t, s.do(t, request{path: "/token", basic: "1234:qwerty", body: pwGrant}), want{200, "", hdrNoStore})
}

func TestBruteForceLimitOff(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 0)
	for i := 0; i < 30; i++ {
		check(t, s.do(t, request{path: "/token", basic: "1234:guess", body: pwGrant}), want{401, "invalid_client", basicAuth})
	}
}

func (s testServer) token(t testing.TB, scope string) string {
	t.Helper()
	body := check(t, s.do(t, request{path: "/token", basic: "1234:qwerty", body: pwGrant + "&scope=" + scope}), want{200, "", hdrNoStore})
	return body["access_token"].(string)
}

// TestIntrospectEndpoint has a row for each answer of /introspect that
// README.md's Endpoints section lists.
func TestIntrospectEndpoint(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 10)
	good := s.token(t, "current_time")
	sig := good[strings.LastIndexByte(good, '.')+1:]
	rs := "resourceserver:resourceserver-secret"
	inactive := `{"active":false}` + "\n"
	tests := []struct {
		name     string
		req      request
		want     want
		wantBody string
	}{
		{"7662-03 active token", request{basic: rs, body: "token=" + good}, want{200, "", hdrNoStore}, ""},
		{"7662-01 token_type_hint ignored", request{basic: rs, body: "token=" + good + "&token_type_hint=refresh_token"}, want{200, "", hdrNoStore}, ""},
		{"body credentials", request{body: "token=" + good + "&client_id=resourceserver&client_secret=resourceserver-secret"}, want{200, "", hdrNoStore}, ""},
		{"7662-06 malformed token", request{basic: rs, body: "token=abc"}, want{200, "", hdrNoStore}, inactive},
		{"7662-06 bad signature", request{basic: rs, body: "token=" + strings.TrimSuffix(good, sig) + strings.Repeat("A", len(sig))}, want{200, "", hdrNoStore}, inactive},
		{"7662-06 alg none", request{basic: rs, body: "token=" + noneToken(good)}, want{200, "", hdrNoStore}, inactive},
		{"7662-01 token missing", request{basic: rs, body: "token_type_hint=access_token"}, want{400, "invalid_request", errStore}, ""},
		{"7662-07 wrong secret", request{basic: "resourceserver:x", body: "token=" + good}, want{401, "invalid_client", basicAuth}, ""},
		{"7662-09 no client authentication", request{body: "token=" + good}, want{401, "invalid_client", basicAuth}, ""},
		{"7662-10 client without the right", request{basic: "1234:qwerty", body: "token=" + good}, want{403, "unauthorized_client", errStore}, ""},
		{"wrong content type", request{basic: rs, body: "token=" + good, contentType: "application/json"}, want{400, "invalid_request", errStore}, ""},
		{"repeated token", request{basic: rs, body: "token=" + good + "&token=" + good}, want{400, "invalid_request", errStore}, ""},
		{"GET", request{method: http.MethodGet}, want{405, "method_not_allowed", map[string]string{"Allow": "POST"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.req.path = "/introspect"
			w := s.do(t, tt.req)
			body := check(t, w, tt.want)
			if tt.wantBody != "" {
				if w.Body.String() != tt.wantBody {
					t.Errorf("body = %q, want exactly %q", w.Body, tt.wantBody)
				}
				return
			}
			if tt.want.status != 200 {
				return
			}
			for k, v := range map[string]any{
				"active": true, "scope": "current_time", "client_id": "1234", "username": "bob", "sub": "bob",
				"aud": "resourceserver", "iss": "http://localhost:5001", "token_type": "Bearer",
				"exp": float64(testNow.Unix() + 5), "iat": float64(testNow.Unix()),
			} {
				if body[k] != v {
					t.Errorf("%s = %v (%T), want %v", k, body[k], body[k], v)
				}
			}
			if jti, _ := body["jti"].(string); len(jti) < 22 {
				t.Errorf("jti = %v", body["jti"])
			}
		})
	}
}

// noneToken re-signs nothing: it swaps the header of tok for alg none.
func noneToken(tok string) string {
	_, rest, _ := strings.Cut(tok, ".")
	return base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"at+jwt"}`)) + "." + rest
}

func TestIntrospectExpired(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 10)
	tok := s.token(t, "epoch_time")
	s.clock.Advance(5 * time.Second)
	w := s.do(t, request{path: "/introspect", basic: "resourceserver:resourceserver-secret", body: "token=" + tok})
	check(t, w, want{200, "", hdrNoStore})
	if w.Body.String() != "{\"active\":false}\n" {
		t.Fatalf("expired token: body %s", w.Body)
	}
}

func TestMetadataHealthzNotFound(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 10)
	meta := check(t, s.do(t, request{method: http.MethodGet, path: "/.well-known/oauth-authorization-server"}), want{200, "", nil})
	wantMeta := `{"grant_types_supported":["password"],"introspection_endpoint":"http://localhost:5001/introspect",` +
		`"introspection_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post"],"issuer":"http://localhost:5001",` +
		`"response_types_supported":[],"scopes_supported":["current_time","epoch_time"],"token_endpoint":"http://localhost:5001/token",` +
		`"token_endpoint_auth_methods_supported":["client_secret_basic","client_secret_post"]}`
	if got, _ := json.Marshal(meta); string(got) != wantMeta {
		t.Errorf("metadata = %s\nwant %s", got, wantMeta)
	}
	if body := check(t, s.do(t, request{method: http.MethodGet, path: "/healthz"}), want{200, "", nil}); body["status"] != "ok" {
		t.Errorf("healthz = %v", body)
	}
	check(t, s.do(t, request{method: http.MethodGet, path: "/nope"}), want{404, "not_found", nil})
	check(t, s.do(t, request{method: http.MethodPost, path: "/healthz"}), want{405, "method_not_allowed", map[string]string{"Allow": "GET, HEAD"}})
}

// TestLogsCarryRequestIDAndNoSecrets is acceptance point 6.
func TestLogsCarryRequestIDAndNoSecrets(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 10)
	s.logs.Reset() // drop the start-up warnings: every line after is about a request
	const password = "my-password-1234567"
	w := s.do(t, request{path: "/token", basic: "1234:qwerty", body: "grant_type=password&username=bob&password=" + password,
		header: map[string]string{"X-Request-ID": "req-token-1"}})
	body := check(t, w, want{200, "", hdrNoStore})
	tok := body["access_token"].(string)
	check(t, s.do(t, request{path: "/introspect", basic: "resourceserver:resourceserver-secret", body: "token=" + tok,
		header: map[string]string{"X-Request-ID": "req-introspect-1"}}), want{200, "", hdrNoStore})
	// A refused request and an inactive token log their reasons.
	check(t, s.do(t, request{path: "/token", basic: "1234:qwerty-wrong", body: pwGrant}), want{401, "invalid_client", basicAuth})
	check(t, s.do(t, request{path: "/introspect", basic: "resourceserver:resourceserver-secret", body: "token=" + tok + "x"}), want{200, "", hdrNoStore})

	out := s.logs.String()
	lines := servicetest.ParseLines(t, out)
	byID := map[string]map[string]any{}
	for _, l := range lines {
		id, _ := l["request_id"].(string)
		if id == "" {
			t.Errorf("log line without request_id: %v", l)
		}
		if l["service"] != "authserver" || l["msg"] != "request" {
			t.Errorf("not one access line per request: %v", l)
		}
		byID[id] = l
	}
	if len(byID) != len(lines) || len(lines) != 4 {
		t.Errorf("want one line for each of 4 requests, got %d lines", len(lines))
	}
	// The access line says what happened: who got which token, and why a
	// request was refused.
	if l := byID["req-token-1"]; l["client_id"] != "1234" || l["jti"] == nil || l["status"] != float64(200) {
		t.Errorf("token access line = %v", l)
	}
	if l := byID["req-introspect-1"]; l["client_id"] != "resourceserver" || l["active"] != true {
		t.Errorf("introspection access line = %v", l)
	}
	for _, l := range byID {
		if l["status"] == float64(401) && (l["error"] != "invalid_client" || l["cause"] == nil) {
			t.Errorf("refused request's line = %v", l)
		}
		if l["active"] == false && l["reason"] == nil {
			t.Errorf("inactive token's line = %v", l)
		}
	}
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	servicetest.AssertNoSecrets(t, out, "qwerty", "resourceserver-secret", password, tok, sig, testKey)
}

// TestRequestIDEcho checks that a good X-Request-ID is echoed and a bad
// one replaced.
func TestRequestIDEcho(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 10)
	tests := []struct {
		sent []string
		keep bool
	}{
		{[]string{"abc-123"}, true},
		{[]string{strings.Repeat("x", 128)}, true},
		{[]string{strings.Repeat("x", 129)}, false},
		{[]string{"has space"}, false},
		{[]string{"a", "b"}, false},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		for _, v := range tt.sent {
			req.Header.Add("X-Request-ID", v)
		}
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, req)
		got := w.Header().Get("X-Request-ID")
		if tt.keep && got != tt.sent[0] || !tt.keep && (got == "" || got == tt.sent[0] || len(got) > 128) {
			t.Errorf("sent %q, got back %q", tt.sent, got)
		}
	}
}

// basicRFC6749 builds Basic credentials by hand, as RFC 6749 §2.3.1 says:
// form-urlencode id and secret, join with ':', base64.
func basicRFC6749(id, sec string) string {
	return base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id) + ":" + url.QueryEscape(sec)))
}

// stagedBody is a request body that reports when the handler starts to
// read it, then holds the read until released: the requests it carries have
// all passed whatever the handler checks before reading the body.
type stagedBody struct {
	body     *strings.Reader
	reached  *sync.WaitGroup
	release  <-chan struct{}
	reachedO sync.Once
}

func (b *stagedBody) Read(p []byte) (int, error) {
	b.reachedO.Do(func() { b.reached.Done(); <-b.release })
	return b.body.Read(p)
}

// TestRFC6749_2_3_1_LimitHoldsWhenStaged covers 6749-07 as an attacker
// stages it: many requests with guessed secrets are held after the headers,
// then all bodies are sent at once. Only AUTH_MAX_AUTH_FAILURES of them get
// a secret comparison (401); the rest are refused (429).
func TestRFC6749_2_3_1_LimitHoldsWhenStaged(t *testing.T) {
	t.Parallel()
	const max, staged = 10, 300
	s := newTestServer(t, max)
	var reached sync.WaitGroup
	release := make(chan struct{})
	codes := make(chan int, staged)
	reached.Add(staged)
	for i := 0; i < staged; i++ {
		go func() {
			body := &stagedBody{body: strings.NewReader(pwGrant), reached: &reached, release: release}
			req := httptest.NewRequest(http.MethodPost, "/token", body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", wire.BasicAuthorization("1234", "guess"))
			w := httptest.NewRecorder()
			s.h.ServeHTTP(w, req)
			codes <- w.Code
		}()
	}
	reached.Wait() // every request is past the gate, waiting to send its body
	close(release)
	count := map[int]int{}
	for i := 0; i < staged; i++ {
		count[<-codes]++
	}
	if count[401] != max || count[429] != staged-max {
		t.Fatalf("answers %v, want %d of 401 and %d of 429", count, max, staged-max)
	}
}
