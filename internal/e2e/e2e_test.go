// Package e2e runs the three services together, in-process, on loopback
// ports: the whole flow, faults, expiry, settings, and the flow benchmark.
package e2e

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"oauthtime/internal/authserver"
	"oauthtime/internal/resourceserver"
	"oauthtime/internal/servicetest"
	"oauthtime/internal/webapp"
)

const signingKey = "e2e-signing-key-0123456789abcdef"

func merge(base, over map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

type system struct {
	auth, res, web *servicetest.Service
}

// startAuth starts an authserver; env may set AUTH_ADDR to restart one.
func startAuth(t testing.TB, env map[string]string) *servicetest.Service {
	t.Helper()
	return servicetest.Start(t, "authserver", authserver.Start, merge(map[string]string{
		"AUTH_ADDR": "127.0.0.1:0", "AUTH_SIGNING_KEY": signingKey,
	}, env))
}

func startResource(t testing.TB, authURL string, env map[string]string) *servicetest.Service {
	t.Helper()
	return servicetest.Start(t, "resourceserver", resourceserver.Start, merge(map[string]string{
		"RESOURCE_ADDR": "127.0.0.1:0", "RESOURCE_AUTH_URL": authURL,
	}, env))
}

func startWeb(t testing.TB, authURL, resourceURL string, env map[string]string) *servicetest.Service {
	t.Helper()
	return servicetest.Start(t, "webapp", webapp.Start, merge(map[string]string{
		"WEBAPP_ADDR": "127.0.0.1:0", "WEBAPP_AUTH_URL": authURL, "WEBAPP_RESOURCE_URL": resourceURL,
	}, env))
}

func startSystem(t testing.TB) system {
	t.Helper()
	auth := startAuth(t, nil)
	res := startResource(t, auth.URL, nil)
	return system{auth: auth, res: res, web: startWeb(t, auth.URL, res.URL, nil)}
}

// call makes one request and returns status, headers and body.
func call(t testing.TB, client *http.Client, method, url string, header map[string]string, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func newClient(t testing.TB) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 10 * time.Second}
}

// token gets a token from the authserver directly.
func token(t testing.TB, client *http.Client, authURL, scope string) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {"carol"}, "password": {"carol-pw"}, "scope": {scope}}
	status, _, body := call(t, client, http.MethodPost, authURL+"/token", map[string]string{
		"Content-Type":  "application/x-www-form-urlencoded",
		"Authorization": "Basic MTIzNDpxd2VydHk=", // 1234:qwerty
	}, form.Encode())
	var resp struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal([]byte(body), &resp) != nil {
		t.Fatalf("token: %d %s", status, body)
	}
	return resp.AccessToken
}

var (
	rfc3339Line = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$`)
	epochLine   = regexp.MustCompile(`^\d+\n$`)
)

// TestFlow is the user's flow through all three services.
func TestFlow(t *testing.T) {
	t.Parallel()
	sys := startSystem(t)
	client := newClient(t)

	status, h, body := call(t, client, "GET", sys.web.URL+"/current_time", nil, "")
	if status != 200 || !rfc3339Line.MatchString(body) || h.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("current_time: %d %q %v", status, body, h)
	}
	if got, err := time.Parse(time.RFC3339, strings.TrimSpace(body)); err != nil || time.Since(got).Abs() > 5*time.Second {
		t.Errorf("current_time %q is not now (%v)", body, err)
	}
	status, _, body = call(t, client, "GET", sys.web.URL+"/epoch_time", nil, "")
	if status != 200 || !epochLine.MatchString(body) {
		t.Fatalf("epoch_time: %d %q", status, body)
	}
	status, h, body = call(t, client, "GET", sys.web.URL+"/current_time", map[string]string{"Accept": "application/json"}, "")
	var ct struct {
		CurrentTime string `json:"current_time"`
	}
	if status != 200 || h.Get("Content-Type") != "application/json" || json.Unmarshal([]byte(body), &ct) != nil || !rfc3339Line.MatchString(ct.CurrentTime+"\n") {
		t.Fatalf("current_time JSON: %d %q", status, body)
	}
	status, _, body = call(t, client, "GET", sys.web.URL+"/epoch_time", map[string]string{"Accept": "application/json"}, "")
	var et map[string]any
	if status != 200 || json.Unmarshal([]byte(body), &et) != nil || len(et) != 1 || et["epoch_time"] == nil {
		t.Fatalf("epoch_time JSON: %d %q", status, body)
	}

	// The caller's own credentials, as curl -u alice:alice-pw sends them.
	status, _, body = call(t, client, "GET", sys.web.URL+"/epoch_time", map[string]string{"Authorization": "Basic YWxpY2U6YWxpY2UtcHc="}, "")
	if status != 200 || !epochLine.MatchString(body) {
		t.Fatalf("as alice: %d %q", status, body)
	}

	// A token for epoch_time does not open current_time.
	tok := token(t, client, sys.auth.URL, "epoch_time")
	status, h, body = call(t, client, "GET", sys.res.URL+"/current_time", map[string]string{"Authorization": "Bearer " + tok}, "")
	if status != 403 || !strings.Contains(h.Get("WWW-Authenticate"), `error="insufficient_scope"`) || !strings.Contains(h.Get("WWW-Authenticate"), `scope="current_time"`) {
		t.Fatalf("epoch_time token at current_time: %d %v %s", status, h, body)
	}
	if status, _, _ = call(t, client, "GET", sys.res.URL+"/epoch_time", map[string]string{"Authorization": "Bearer " + tok}, ""); status != 200 {
		t.Fatalf("epoch_time token at epoch_time: %d", status)
	}

	// One request ID, sent to the webapp, is on log lines of all three.
	const rid = "e2e-trace-42"
	status, h, _ = call(t, client, "GET", sys.web.URL+"/current_time", map[string]string{"X-Request-ID": rid}, "")
	if status != 200 || h.Get("X-Request-ID") != rid {
		t.Fatalf("with X-Request-ID: %d %v", status, h)
	}
	for _, s := range []*servicetest.Service{sys.web, sys.res, sys.auth} {
		found := false
		for _, l := range s.Logs.Lines(t) {
			if l["request_id"] == rid {
				found = true
			}
		}
		if !found {
			t.Errorf("no log line with request_id %s in\n%s", rid, s.Logs)
		}
	}

	// No secret, password or token in any log line.
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	for _, s := range []*servicetest.Service{sys.web, sys.res, sys.auth} {
		servicetest.AssertNoSecrets(t, s.Logs.String(), "qwerty", "resourceserver-secret", "bob-pass", "alice-pw", "carol-pw", tok, sig, signingKey)
	}
}

// TestSettings: each service refuses a bad setting, naming it.
func TestSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		run     servicetest.RunFunc
		env     map[string]string
		setting string
	}{
		{"resourceserver", resourceserver.Run, map[string]string{"RESOURCE_AUTH_URL": "localhost:5001"}, "RESOURCE_AUTH_URL"},
		{"resourceserver", resourceserver.Run, map[string]string{"RESOURCE_UPSTREAM_TIMEOUT": "soon"}, "RESOURCE_UPSTREAM_TIMEOUT"},
		{"resourceserver", resourceserver.Run, map[string]string{"RESOURCE_CA_FILE": "missing.pem"}, "RESOURCE_CA_FILE"},
		{"resourceserver", resourceserver.Run, map[string]string{"RESOURCE_TLS_CERT_FILE": "missing.pem"}, "RESOURCE_TLS_KEY_FILE"},
		{"resourceserver", resourceserver.Run, map[string]string{"LOG_LEVEL": "chatty"}, "LOG_LEVEL"},
		{"webapp", webapp.Run, map[string]string{"WEBAPP_AUTH_URL": "ftp://x"}, "WEBAPP_AUTH_URL"},
		{"webapp", webapp.Run, map[string]string{"WEBAPP_RESOURCE_URL": "http://x/?a=b"}, "WEBAPP_RESOURCE_URL"},
		{"webapp", webapp.Run, map[string]string{"WEBAPP_UPSTREAM_TIMEOUT": "-1s"}, "WEBAPP_UPSTREAM_TIMEOUT"},
		{"webapp", webapp.Run, map[string]string{"WEBAPP_CA_FILE": "missing.pem"}, "WEBAPP_CA_FILE"},
		{"webapp", webapp.Run, map[string]string{"WEBAPP_ADDR": "127.0.0.1:99999"}, "WEBAPP_ADDR"},
	}
	for _, tt := range tests {
		t.Run(tt.setting, func(t *testing.T) {
			t.Parallel()
			prefix := map[string]string{"resourceserver": "RESOURCE", "webapp": "WEBAPP"}[tt.name]
			servicetest.StartFails(t, tt.run, tt.name, merge(map[string]string{prefix + "_ADDR": "127.0.0.1:0"}, tt.env), tt.setting)
		})
	}
}

// hangingServer accepts connections and never answers. accepted is closed
// when the first connection arrives.
func hangingServer(t testing.TB) (url string, accepted <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	first := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if len(conns) == 0 {
				close(first)
			}
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), first
}

// timed makes a GET and returns its status and how long it took.
func timed(t testing.TB, client *http.Client, url string, header map[string]string) (int, time.Duration) {
	t.Helper()
	start := time.Now()
	status, _, _ := call(t, client, "GET", url, header, "")
	return status, time.Since(start)
}

// TestFaults runs the fault cases of the flow. It is not parallel, so that
// it can count goroutines before and after.
func TestFaults(t *testing.T) {
	// The first service a process starts also starts os/signal's one
	// goroutine for the life of the process: start one before counting.
	if err := startAuth(t, nil).Stop(); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	// The faults run in a subtest so that every service it starts has been
	// stopped (by its cleanups) when the subtest returns.
	t.Run("faults", func(t *testing.T) {
		client := newClient(t)
		const timeout = 400 * time.Millisecond
		short := map[string]string{"WEBAPP_UPSTREAM_TIMEOUT": timeout.String()}
		auth := startAuth(t, nil)
		res := startResource(t, auth.URL, map[string]string{"RESOURCE_UPSTREAM_TIMEOUT": timeout.String()})
		web := startWeb(t, auth.URL, res.URL, short)
		if status, _, body := call(t, client, "GET", web.URL+"/current_time", nil, ""); status != 200 {
			t.Fatalf("before faults: %d %s", status, body)
		}
		tok := token(t, client, auth.URL, "current_time")

		// The authserver stops: 502/503 from the webapp, 503 from the
		// resourceserver, each within 1s.
		if err := auth.Stop(); err != nil {
			t.Fatal(err)
		}
		if status, d := timed(t, client, web.URL+"/current_time", nil); (status != 502 && status != 503) || d > time.Second {
			t.Errorf("webapp with the authserver down: %d after %v", status, d)
		}
		if status, d := timed(t, client, res.URL+"/current_time", map[string]string{"Authorization": "Bearer " + tok}); status != 503 || d > time.Second {
			t.Errorf("resourceserver with the authserver down: %d after %v", status, d)
		}

		// Back on the same port: calls succeed again at once.
		startAuth(t, map[string]string{"AUTH_ADDR": auth.Addr})
		if status, _, body := call(t, client, "GET", web.URL+"/epoch_time", nil, ""); status != 200 {
			t.Errorf("after the authserver returned: %d %s", status, body)
		}

		// An upstream that never answers: 504 from the webapp, 503 from the
		// resourceserver, at the timeout and not later.
		hang, _ := hangingServer(t)
		webHang := startWeb(t, hang, res.URL, short)
		if status, d := timed(t, client, webHang.URL+"/current_time", nil); status != 504 || d < timeout || d > timeout+time.Second {
			t.Errorf("webapp with a hanging authserver: %d after %v, want 504 after %v", status, d, timeout)
		}
		webHangRes := startWeb(t, auth.URL, hang, short)
		if status, d := timed(t, client, webHangRes.URL+"/current_time", nil); status != 504 || d < timeout || d > timeout+time.Second {
			t.Errorf("webapp with a hanging resourceserver: %d after %v, want 504 after %v", status, d, timeout)
		}
		resHang := startResource(t, hang, map[string]string{"RESOURCE_UPSTREAM_TIMEOUT": timeout.String()})
		if status, d := timed(t, client, resHang.URL+"/current_time", map[string]string{"Authorization": "Bearer " + tok}); status != 503 || d < timeout || d > timeout+time.Second {
			t.Errorf("resourceserver with a hanging authserver: %d after %v, want 503 after %v", status, d, timeout)
		}

		// Upstreams answering garbage, or 5 MB: 502 / 503, and no crash.
		for name, answer := range map[string]func(http.ResponseWriter){
			"garbage": func(w http.ResponseWriter) { io.WriteString(w, `{"active": tru`) },
			"5 MB":    func(w http.ResponseWriter) { w.Write(make([]byte, 5<<20)) },
		} {
			bad := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				answer(w)
			})}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go bad.Serve(ln)
			badURL := "http://" + ln.Addr().String()
			webBad := startWeb(t, badURL, badURL, short)
			if status, _, body := call(t, client, "GET", webBad.URL+"/current_time", nil, ""); status != 502 {
				t.Errorf("webapp with an authserver answering %s: %d %s", name, status, body)
			}
			resBad := startResource(t, badURL, nil)
			if status, _, body := call(t, client, "GET", resBad.URL+"/current_time", map[string]string{"Authorization": "Bearer " + tok}, ""); status != 503 {
				t.Errorf("resourceserver with an authserver answering %s: %d %s", name, status, body)
			}
			webBadRes := startWeb(t, auth.URL, badURL, short)
			if status, _, body := call(t, client, "GET", webBadRes.URL+"/epoch_time", nil, ""); status != 502 {
				t.Errorf("webapp with a resourceserver answering %s: %d %s", name, status, body)
			}
			for _, s := range []*servicetest.Service{webBad, resBad, webBadRes} {
				if err := s.Stop(); err != nil {
					t.Error(err)
				}
			}
			bad.Close()
		}
	})
	// Connections close asynchronously: give them a moment.
	deadline := time.Now().Add(5 * time.Second)
	for {
		after := runtime.NumGoroutine()
		if after <= before {
			return
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines: %d before, %d after\n%s", before, after, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(50 * time.Millisecond)
	}
}
