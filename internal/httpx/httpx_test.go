package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"oauthtime/internal/metrics"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"oauthtime/internal/logging"
	"oauthtime/internal/servicetest"
	"oauthtime/internal/trace"
)

func newHandler(t *testing.T, logs *bytes.Buffer) http.Handler {
	t.Helper()
	log := logging.New(logs, "test", slog.LevelDebug)
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", HandleHealthz())
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			JSONError(w, r, http.StatusRequestEntityTooLarge, "too_large", err.Error())
			return
		}
		WriteJSON(w, http.StatusOK, map[string]any{"n": len(b), "id": trace.FromContext(r.Context()).RequestID})
	})
	return Wrap(mux, log, testErrors, 16, nil)
}

func TestMiddleware(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, path, body string
		status                   int
		errCode                  string
		allow                    string
	}{
		{"healthz", "GET", "/healthz", "", 200, "", ""},
		{"panic becomes 500", "GET", "/panic", "", 500, "server_error", ""},
		{"not found", "GET", "/nope", "", 404, "not_found", ""},
		{"doubled slash is not redirected", "POST", "//echo", "x", 404, "not_found", ""},
		{"dot segment is not redirected", "POST", "/./echo", "x", 404, "not_found", ""},
		{"dot-dot segment is not redirected", "GET", "/x/../healthz", "", 404, "not_found", ""},
		{"method not allowed", "DELETE", "/echo", "", 405, "method_not_allowed", "POST"},
		{"body under the cap", "POST", "/echo", "0123456789", 200, "", ""},
		{"body over the cap", "POST", "/echo", strings.Repeat("x", 17), 413, "too_large", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			h := newHandler(t, &logs)
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(tt.body))
			req.Header.Set("X-Request-ID", "rid-1")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			if w.Header().Get("Content-Type") != "application/json" || w.Header().Get("X-Request-ID") != "rid-1" {
				t.Errorf("headers = %v", w.Header())
			}
			if tt.allow != "" && w.Header().Get("Allow") != tt.allow {
				t.Errorf("Allow = %q, want %q", w.Header().Get("Allow"), tt.allow)
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			if tt.errCode != "" && body["error"] != tt.errCode {
				t.Errorf("error = %v, want %s", body["error"], tt.errCode)
			}
			// One access line per request, with the request ID and status.
			var access map[string]any
			for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
				var m map[string]any
				if err := json.Unmarshal([]byte(line), &m); err != nil {
					t.Fatalf("log line %q: %v", line, err)
				}
				if m["request_id"] != "rid-1" {
					t.Errorf("log line without the request ID: %s", line)
				}
				if m["msg"] == "request" {
					access = m
				}
			}
			if access == nil || access["status"] != float64(tt.status) || access["method"] != tt.method || access["path"] != tt.path {
				t.Errorf("access line = %v", access)
			}
			wantLevel := map[bool]string{true: "DEBUG", false: "INFO"}[tt.path == "/healthz"]
			if tt.status >= 500 {
				wantLevel = "WARN"
			}
			if access["level"] != wantLevel {
				t.Errorf("access line at %v, want %s", access["level"], wantLevel)
			}
		})
	}
}

// TestAccessLineAnyHandler: with a slog.Handler other than the services'
// own, the access line has the same attributes, annotations included.
func TestAccessLineAnyHandler(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /a", func(w http.ResponseWriter, r *http.Request) {
		Annotate(w, slog.String("client_id", "c"), slog.Bool("active", true), slog.String("jti", "j"))
		WriteJSON(w, http.StatusOK, map[string]string{})
	})
	mux.HandleFunc("GET /many", func(w http.ResponseWriter, r *http.Request) {
		// More annotations than the line has room for: they move.
		for i := range 9 {
			Annotate(w, slog.Int("n"+strconv.Itoa(i), i))
		}
		WriteJSON(w, http.StatusOK, map[string]string{})
	})
	var many bytes.Buffer
	Wrap(mux, logging.New(&many, "test", nil), testErrors, 16, nil).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/many", nil))
	for i := range 9 {
		if !strings.Contains(many.String(), `"n`+strconv.Itoa(i)+`":`+strconv.Itoa(i)+`,`) || !strings.Contains(many.String(), `"path":"/many"`) {
			t.Fatalf("annotation n%d or the path is missing: %s", i, many.String())
		}
	}
	var lines [2]bytes.Buffer
	for _, log := range []*slog.Logger{logging.New(&lines[0], "test", nil), slog.New(slog.NewJSONHandler(&lines[1], nil))} {
		Wrap(mux, log, testErrors, 16, nil).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/a", nil))
	}
	var got [2]map[string]any
	for i := range lines {
		if err := json.Unmarshal(lines[i].Bytes(), &got[i]); err != nil {
			t.Fatalf("line %q: %v", lines[i].String(), err)
		}
	}
	for _, k := range []string{"msg", "method", "path", "status", "remote", "client_id", "active", "jti"} {
		if got[0][k] == nil || got[0][k] != got[1][k] {
			t.Errorf("%s: %v through logging, %v through slog", k, got[0][k], got[1][k])
		}
	}
}

func TestSafeText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain text":    "plain text",
		`a "quoted" \x`: "a ?quoted? ?x",
		"new\nline é":   "new?line ??",
	} {
		if got := SafeText(in); got != want {
			t.Errorf("SafeText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestServeShutdown: an in-flight request finishes after the stop signal,
// new connections are refused, and Serve returns nil.
func TestServeShutdown(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			<-release
		}
		io.WriteString(w, "done")
	})
	s := servicetest.Start(t, "test", serveWith(ServerConfig{}, h), nil)

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(s.URL + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got <- string(b)
	}()
	<-started
	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop() }()
	// Once shutdown has begun, new connections are refused.
	deadline := time.Now().Add(2 * time.Second)
	for {
		c, err := (&http.Client{Timeout: time.Second}).Get(s.URL + "/probe")
		if err != nil {
			break
		}
		c.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	if body := <-got; body != "done" {
		t.Fatalf("in-flight request got %q, want done", body)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
}

// served is a server that serveWith started for a test.
type served struct {
	addr, url string
	done      chan struct{}
	err       error
}

func (s *served) Addr() string { return s.addr }
func (s *served) URL() string  { return s.url }
func (s *served) Wait() error {
	<-s.done
	return s.err
}

// serveWith returns a start function that serves h as cfg says, on a
// loopback port the kernel picks, logging to the test's Logs.
func serveWith(cfg ServerConfig, h http.Handler) servicetest.StartFunc[*served] {
	return func(ctx context.Context, _ []string, _ func(string) string, stdout io.Writer) (*served, error) {
		cfg.Addr, cfg.WriteTimeout = "127.0.0.1:0", 5*time.Second
		ln, err := Listen(cfg)
		if err != nil {
			return nil, err
		}
		s := &served{addr: ln.Addr().String(), url: "http://" + ln.Addr().String(), done: make(chan struct{})}
		go func() {
			defer close(s.done)
			s.err = Serve(ctx, logging.New(stdout, "test", slog.LevelInfo), cfg, ln, h)
		}()
		return s, nil
	}
}

// TestPanicLineNotHeld: a recovered panic's lines reach a buffered log
// file at once, not at the next flush.
func TestPanicLineNotHeld(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	h := Wrap(mux, logging.New(logging.NewOutput(w), "test", slog.LevelInfo), testErrors, 16, nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != 500 {
		t.Fatalf("status %d", rec.Code)
	}
	r.SetReadDeadline(time.Now().Add(20 * time.Millisecond)) // well under the flush interval
	b := make([]byte, 64<<10)
	n, _ := r.Read(b)
	if got := string(b[:n]); !strings.Contains(got, `"msg":"panic"`) || !strings.Contains(got, `"status":500`) {
		t.Errorf("the pipe holds %q right after the panic", got)
	}
}

// TestWildcardRoute: a route with a {name} wildcard gets its value through
// the middleware, and is counted under its pattern.
func TestWildcardRoute(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	reg := metrics.NewRegistry()
	h := Wrap(mux, logging.New(io.Discard, "test", slog.LevelInfo), testErrors, 16, reg.HTTP())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/items/42", nil))
	if w.Code != 200 || strings.TrimSpace(w.Body.String()) != `{"id":"42"}` {
		t.Fatalf("GET /items/42: %d %s", w.Code, w.Body)
	}
	page := string(reg.Append(nil))
	if !strings.Contains(page, `oauthtime_http_requests_total{method="GET",route="/items/{id}",code="200"} 1`) {
		t.Fatalf("not counted under its pattern:\n%s", page)
	}
}

// testErrors is the ErrorWriter of these tests: the JSON shape.
func testErrors(w http.ResponseWriter, r *http.Request, err error) {
	e := err.(*Error)
	JSONError(w, r, e.Status, e.Code, e.Description)
}
