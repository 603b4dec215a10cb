package httpx

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"testing"

	"oauthtime/internal/logging"
	"oauthtime/internal/metrics"
	"oauthtime/internal/trace"
)

// BenchmarkMiddleware is what Wrap adds to a request: one hop of the flow
// (a caller's request ID and traceparent in, a small JSON answer out),
// with the access line going through a buffered Output into a pipe and
// metrics recording on, on both cores at once. "bare" is the same handler
// with no middleware; the difference is the middleware's cost.
//
//	go test -run '^$' -bench Middleware -benchmem ./internal/httpx
func BenchmarkMiddleware(b *testing.B) {
	r, pw, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	go io.Copy(io.Discard, r)
	b.Cleanup(func() { pw.Close() })
	out := logging.NewOutput(pw)
	log := logging.New(out, "bench", slog.LevelInfo)
	answer := func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"current_time": "2026-01-02T15:04:05Z"})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /current_time", answer)
	for _, bc := range []struct {
		name string
		h    http.Handler
	}{
		{"bare", http.HandlerFunc(answer)},
		{"wrapped", Wrap(mux, log, testErrors, 1<<16, metrics.NewRegistry().HTTP())},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{header: make(http.Header)}
				for pb.Next() {
					req := benchRequest()
					clear(w.header)
					bc.h.ServeHTTP(w, req)
				}
			})
			out.Flush()
		})
	}
}

// benchRequest is a request as a server hands it to its handler.
func benchRequest() *http.Request {
	return &http.Request{
		Method:     http.MethodGet,
		URL:        &url.URL{Path: "/current_time"},
		Proto:      "HTTP/1.1",
		ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			trace.RequestIDHeader: {"0123456789abcdef0123456789abcdef"},
			trace.Header:          {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"},
		},
		Body:       http.NoBody,
		Host:       "127.0.0.1:5002",
		RemoteAddr: "127.0.0.1:40000",
		RequestURI: "/current_time",
	}
}

// discardWriter is a ResponseWriter that keeps nothing but its headers.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
