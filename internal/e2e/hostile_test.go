package e2e

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"oauthtime/internal/servicetest"
	"strings"
	"testing"
	"time"
)

// rawRequest is an HTTP/1.1 request written byte for byte, so that it can
// be anything a hostile client might send.
type rawRequest struct {
	method, path string
	headers      []string // "Name: value" lines, sent as they are
	body         string
	// declared, if set, is the Content-Length sent instead of len(body):
	// the body is then cut short and the connection half-closed.
	declared int
}

func (r rawRequest) bytes() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: test\r\nConnection: close\r\n", r.method, r.path)
	for _, h := range r.headers {
		b.WriteString(h + "\r\n")
	}
	if r.body != "" || r.declared > 0 {
		n := len(r.body)
		if r.declared > 0 {
			n = r.declared
		}
		fmt.Fprintf(&b, "Content-Length: %d\r\n", n)
	}
	b.WriteString("\r\n" + r.body)
	return []byte(b.String())
}

// send writes r to addr and reads the answer.
func send(t *testing.T, addr string, r rawRequest) (*http.Response, string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(r.bytes()); err != nil {
		t.Fatal(err)
	}
	if r.declared > 0 {
		conn.(*net.TCPConn).CloseWrite()
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no HTTP answer: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

func basicHeader(raw string) string {
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(raw))
}

const form = "Content-Type: application/x-www-form-urlencoded"

// TestHostileInput hits each error answer README.md lists with malformed
// variants. Each gets its documented status, with a JSON error body (text on
// the webapp) when the request reaches the service; requests that net/http
// itself refuses (bad header bytes, headers over the server's limit) get
// its own 400 or 431. Either way the service answers the next request.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	// Tokens of an hour: the rows run in parallel with every other test,
	// and one may wait its turn longer than a 5-second token lives.
	auth := startAuth(t, map[string]string{"AUTH_TOKEN_TTL": "1h"})
	res := startResource(t, auth.URL, nil)
	sys := system{auth: auth, res: res, web: startWeb(t, auth.URL, res.URL, nil)}
	client := newClient(t)
	tok := token(t, client, sys.auth.URL, "current_time")
	webClient := basicHeader("1234:qwerty")
	rs := basicHeader("resourceserver:resourceserver-secret")
	big := strings.Repeat("A", 10<<10)

	type shape int
	const (
		jsonError shape = iota // {"error": …}
		textError              // "error: …\n"
		success                // 200 with the right body
		protocol               // net/http's own answer
	)
	tests := []struct {
		name    string
		svc     string // auth, res, web
		req     rawRequest
		status  int
		shape   shape
		errCode string
	}{
		// authserver /token
		{"truncated body", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient}, body: "grant_type=pass", declared: 100}, 400, jsonError, "invalid_request"},
		{"oversized body", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient}, body: "grant_type=password&x=" + strings.Repeat("a", 70<<10)}, 413, jsonError, "invalid_request"},
		{"username of 64 KB", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient}, body: "grant_type=password&password=p&username=" + strings.Repeat("u", 64<<10)}, 413, jsonError, "invalid_request"},
		{"username of 60 KB", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient}, body: "grant_type=password&password=p&username=" + strings.Repeat("u", 60<<10)}, 400, jsonError, "invalid_request"},
		{"wrong content type", "auth", rawRequest{method: "POST", path: "/token", headers: []string{"Content-Type: application/json", webClient}, body: `{"grant_type":"password"}`}, 400, jsonError, "invalid_request"},
		{"missing content type", "auth", rawRequest{method: "POST", path: "/token", headers: []string{webClient}, body: pwForm}, 400, jsonError, "invalid_request"},
		{"malformed content type", "auth", rawRequest{method: "POST", path: "/token", headers: []string{"Content-Type: ;;;", webClient}, body: pwForm}, 400, jsonError, "invalid_request"},
		{"invalid %-encoding", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient}, body: "grant_type=password&username=%G1&password=x"}, 400, jsonError, "invalid_request"},
		{"non-UTF-8 username", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient}, body: "grant_type=password&username=%FF%FE&password=x"}, 400, jsonError, "invalid_request"},
		{"NUL in username", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient}, body: "grant_type=password&username=a%00b&password=x"}, 400, jsonError, "invalid_request"},
		{"raw NUL in body", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient}, body: "grant_type=password\x00&username=a&password=x"}, 400, jsonError, "unsupported_grant_type"},
		{"Basic without colon", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, basicHeader("1234qwerty")}, body: pwForm}, 400, jsonError, "invalid_request"},
		{"Basic bad base64", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, "Authorization: Basic ***"}, body: pwForm}, 400, jsonError, "invalid_request"},
		{"Basic bad %-encoding", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, basicHeader("1234:%zz")}, body: pwForm}, 400, jsonError, "invalid_request"},
		{"Basic of 10 KB", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, basicHeader("1234:" + big)}, body: pwForm}, 401, jsonError, "invalid_client"},
		{"repeated Authorization", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient, webClient}, body: pwForm}, 400, jsonError, "invalid_request"},
		{"X-Request-ID of 10 KB", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient, "X-Request-ID: " + big}, body: pwForm}, 200, success, ""},
		{"repeated X-Request-ID", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient, "X-Request-ID: a", "X-Request-ID: b"}, body: pwForm}, 200, success, ""},
		{"CR in X-Request-ID", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient, "X-Request-ID: a\rb"}, body: pwForm}, 400, protocol, ""},
		{"LF in X-Request-ID", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient, "X-Request-ID: a\nb"}, body: pwForm}, 400, protocol, ""},
		{"NUL in a header", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient, "X-Note: a\x00b"}, body: pwForm}, 400, protocol, ""},
		{"headers over 64 KB", "auth", rawRequest{method: "POST", path: "/token", headers: []string{form, webClient, "X-Pad: " + strings.Repeat("p", 70<<10)}, body: pwForm}, 431, protocol, ""},
		// authserver /introspect
		{"introspect oversized token", "auth", rawRequest{method: "POST", path: "/introspect", headers: []string{form, rs}, body: "token=" + strings.Repeat("t", 70<<10)}, 413, jsonError, "invalid_request"},
		{"introspect truncated body", "auth", rawRequest{method: "POST", path: "/introspect", headers: []string{form, rs}, body: "tok", declared: 50}, 400, jsonError, "invalid_request"},
		{"introspect non-UTF-8 token", "auth", rawRequest{method: "POST", path: "/introspect", headers: []string{form, rs}, body: "token=%FF%00%FE"}, 200, success, ""},
		{"introspect without a form", "auth", rawRequest{method: "POST", path: "/introspect", headers: []string{"Content-Type: text/plain", rs}, body: tok}, 400, jsonError, "invalid_request"},
		// resourceserver
		{"bearer of 10 KB", "res", rawRequest{method: "GET", path: "/current_time", headers: []string{"Authorization: Bearer " + big}}, 401, jsonError, "invalid_token"},
		{"bearer with non-ASCII", "res", rawRequest{method: "GET", path: "/current_time", headers: []string{"Authorization: Bearer t\xc3\xa9"}}, 400, jsonError, "invalid_request"},
		{"bearer with extra parts", "res", rawRequest{method: "GET", path: "/current_time", headers: []string{"Authorization: Bearer a b c"}}, 400, jsonError, "invalid_request"},
		{"repeated bearer", "res", rawRequest{method: "GET", path: "/current_time", headers: []string{"Authorization: Bearer " + tok, "Authorization: Bearer " + tok}}, 400, jsonError, "invalid_request"},
		{"bearer with CR", "res", rawRequest{method: "GET", path: "/current_time", headers: []string{"Authorization: Bearer a\rb"}}, 400, protocol, ""},
		{"body on a GET", "res", rawRequest{method: "GET", path: "/current_time", headers: []string{"Authorization: Bearer " + tok}, body: strings.Repeat("x", 100<<10)}, 200, success, ""},
		{"good token", "res", rawRequest{method: "GET", path: "/current_time", headers: []string{"Authorization: Bearer " + tok, "X-Request-ID: " + big}}, 200, success, ""},
		// webapp
		{"webapp Basic without colon", "web", rawRequest{method: "GET", path: "/current_time", headers: []string{basicHeader("alice")}}, 401, textError, ""},
		{"webapp Basic bad base64", "web", rawRequest{method: "GET", path: "/current_time", headers: []string{"Authorization: Basic %%%"}}, 401, textError, ""},
		{"webapp username of 10 KB", "web", rawRequest{method: "GET", path: "/current_time", headers: []string{basicHeader(big + ":pw")}}, 401, textError, ""},
		{"webapp username of 64 KB", "web", rawRequest{method: "GET", path: "/current_time", headers: []string{basicHeader(strings.Repeat("u", 64<<10) + ":pw")}}, 431, protocol, ""},
		{"webapp non-UTF-8 username", "web", rawRequest{method: "GET", path: "/epoch_time", headers: []string{basicHeader("\xff\xfe:pw")}}, 401, textError, ""},
		{"webapp NUL in password", "web", rawRequest{method: "GET", path: "/epoch_time", headers: []string{basicHeader("alice:p\x00w")}}, 401, textError, ""},
		{"webapp repeated Authorization", "web", rawRequest{method: "GET", path: "/epoch_time", headers: []string{basicHeader("a:b"), basicHeader("c:d")}}, 401, textError, ""},
		{"webapp Bearer instead of Basic", "web", rawRequest{method: "GET", path: "/epoch_time", headers: []string{"Authorization: Bearer " + tok}}, 401, textError, ""},
		{"webapp CR in X-Request-ID", "web", rawRequest{method: "GET", path: "/epoch_time", headers: []string{"X-Request-ID: a\rb"}}, 400, protocol, ""},
		{"webapp body on a GET", "web", rawRequest{method: "GET", path: "/epoch_time", body: strings.Repeat("x", 100<<10)}, 200, success, ""},
		{"webapp odd Accept", "web", rawRequest{method: "GET", path: "/epoch_time", headers: []string{"Accept: ;;;, application/json;q=abc, */*"}}, 200, success, ""},
		{"webapp unknown method", "web", rawRequest{method: "BREW", path: "/epoch_time"}, 405, textError, ""},
		{"webapp path traversal", "web", rawRequest{method: "GET", path: "/%2e%2e/%2e%2e/etc/passwd"}, 404, textError, ""},
		{"doubled slash", "auth", rawRequest{method: "POST", path: "//token", headers: []string{form, webClient}, body: pwForm}, 404, jsonError, "not_found"},
		{"dot segment", "auth", rawRequest{method: "POST", path: "/./token", headers: []string{form, webClient}, body: pwForm}, 404, jsonError, "not_found"},
		{"absolute-form target", "auth", rawRequest{method: "POST", path: "http://authserver/token", headers: []string{form, webClient}, body: pwForm}, 200, success, ""},
		{"webapp dot-dot segment", "web", rawRequest{method: "GET", path: "/x/../epoch_time"}, 404, textError, ""},
		{"authserver unknown path", "auth", rawRequest{method: "GET", path: "/admin?token=" + tok}, 404, jsonError, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc := map[string]string{"auth": sys.auth.Addr, "res": sys.res.Addr, "web": sys.web.Addr}[tt.svc]
			resp, body := send(t, svc, tt.req)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %.200q", resp.StatusCode, tt.status, body)
			}
			ct := resp.Header.Get("Content-Type")
			switch tt.shape {
			case jsonError:
				var e map[string]string
				if ct != "application/json" || json.Unmarshal([]byte(body), &e) != nil || e["error"] == "" || e["error_description"] == "" {
					t.Fatalf("want a JSON error body, got %q %.200q", ct, body)
				}
				if tt.errCode != "" && e["error"] != tt.errCode {
					t.Errorf("error = %q, want %q", e["error"], tt.errCode)
				}
			case textError:
				if ct != "text/plain; charset=utf-8" || !strings.HasPrefix(body, "error: ") || strings.Count(body, "\n") != 1 {
					t.Fatalf("want a one-line text error, got %q %.200q", ct, body)
				}
			case success:
				if ct == "" || strings.Contains(body, "error") {
					t.Fatalf("want a good answer, got %q %.200q", ct, body)
				}
			}
			if id := resp.Header.Get("X-Request-ID"); tt.shape != protocol && (id == "" || len(id) > 128) {
				t.Errorf("X-Request-ID = %.50q", id)
			}
			// And the service goes on serving.
			if status, _, _ := call(t, client, "GET", "http://"+svc+"/healthz", nil, ""); status != 200 {
				t.Fatalf("healthz after the hostile request: %d", status)
			}
		})
	}
	// Nothing hostile reached a log line as a secret.
	for _, s := range []*servicetest.Service{sys.auth, sys.res, sys.web} {
		servicetest.AssertNoSecrets(t, s.Logs.String(), "qwerty", "resourceserver-secret", "bob-pass", tok)
	}
}

const pwForm = "grant_type=password&username=bob&password=x"
