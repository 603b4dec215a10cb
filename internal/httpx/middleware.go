package httpx

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"time"

	"oauthtime/internal/metrics"
	"oauthtime/internal/trace"
	"oauthtime/internal/wire"
)

// Wrap returns a service's whole handler: mux's routes (see routes) behind
// the middleware every service needs, in one pass: it takes or makes the
// request ID and echoes it, continues the caller's trace or starts one,
// caps the body at maxBody bytes, turns a panic into a logged 500, writes
// one access log line, and records the request in m (if not nil) under
// the route that answered. errs writes the errors it answers itself.
func Wrap(mux *http.ServeMux, log *slog.Logger, errs ErrorWriter, maxBody int64, m *metrics.HTTP) http.Handler {
	next := routes(mux, errs)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// One ID or none: a repeated header is as untrustworthy as a bad one.
		ids := r.Header.Values(trace.RequestIDHeader)
		id := trace.NewRequestID()
		if len(ids) == 1 && trace.ValidRequestID(ids[0]) {
			id = ids[0]
		}
		w.Header().Set(trace.RequestIDHeader, id)
		ctx := trace.NewContext(r.Context(), trace.Start(id, r.Header.Values(trace.Header), r.Header.Values(trace.StateHeader)))
		r = r.WithContext(ctx)
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		rec := &recorder{ResponseWriter: w}

		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.ErrorContext(ctx, "panic", slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
				if rec.code == 0 {
					errs(rec, r, &Error{http.StatusInternalServerError, wire.CodeServerError, "internal error"})
				}
			}
			status, elapsed := rec.status(), time.Since(start)
			if m != nil {
				m.Observe(r.Method, rec.route, status, elapsed)
			}
			level := slog.LevelInfo
			switch {
			case status >= 500:
				level = slog.LevelWarn
			case isProbe(r.URL.Path):
				level = slog.LevelDebug // probes call every few seconds
			}
			if !log.Enabled(ctx, level) {
				return
			}
			host, _, _ := net.SplitHostPort(r.RemoteAddr)
			// A Record of our own, with no program counter: the Logger
			// would capture the caller's, which this line never shows.
			line := slog.NewRecord(start.Add(elapsed), level, "request", 0)
			line.AddAttrs(
				slog.String("method", r.Method),
				// The path only: a query string can carry credentials.
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
				slog.String("remote", host),
			)
			line.AddAttrs(rec.attrs...)
			log.Handler().Handle(ctx, line)
		}()
		next.ServeHTTP(rec, r)
	})
}

// isProbe reports whether path is one that health probes call.
func isProbe(path string) bool {
	return path == "/healthz" || path == "/livez" || path == "/readyz"
}

// Annotate adds attrs to the access log line of the request that w
// answers. Handlers say what happened this way (the client, the error and
// its cause) rather than with lines of their own: one line per request.
func Annotate(w http.ResponseWriter, attrs ...slog.Attr) {
	if rec := recorderOf(w); rec != nil {
		rec.attrs = append(rec.attrs, attrs...)
	}
}

// Status returns the status of the answer written to w so far (200 if
// none was set), or 0 if w is not behind the middleware.
func Status(w http.ResponseWriter) int {
	if rec := recorderOf(w); rec != nil {
		return rec.status()
	}
	return 0
}

// recorderOf finds the recorder behind w, if any.
func recorderOf(w http.ResponseWriter) *recorder {
	for {
		switch x := w.(type) {
		case *recorder:
			return x
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return nil
		}
	}
}

// recorder remembers the status a handler wrote, what it annotated, and
// the route that answered.
type recorder struct {
	http.ResponseWriter
	code  int
	route string // the path of the route's pattern; "" for none
	attrs []slog.Attr
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 && code >= 200 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}

// routes serves mux, answering a path with no route or an unclean one (404)
// or a method the route does not take (405, with the mux's Allow header)
// through errs, so those errors have the service's shape too.
func routes(mux *http.ServeMux, errs ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isClean(r.URL.Path) {
			// The mux would redirect //token or /./token to its clean
			// form: a redirected POST loses its body with some clients,
			// and no caller of ours sends such paths.
			errs(w, r, &Error{http.StatusNotFound, wire.CodeNotFound, "no such path"})
			return
		}
		h, pattern := mux.Handler(r)
		if pattern != "" {
			if rec := recorderOf(w); rec != nil {
				rec.route = pattern[strings.IndexByte(pattern, ' ')+1:]
			}
			// Served by the mux itself, so that the handler sees the
			// pattern's wildcards (r.PathValue).
			mux.ServeHTTP(w, r)
			return
		}
		// No route: let the mux say what it would answer, then answer it
		// in our shape.
		c := &capture{header: make(http.Header)}
		h.ServeHTTP(c, r)
		if c.code != http.StatusMethodNotAllowed {
			errs(w, r, &Error{http.StatusNotFound, wire.CodeNotFound, "no such path"})
			return
		}
		// The path is a route's, the method is not: count it under that
		// route.
		if rec := recorderOf(w); rec != nil {
			rec.route = r.URL.Path
		}
		w.Header().Set("Allow", c.header.Get("Allow"))
		errs(w, r, &Error{http.StatusMethodNotAllowed, wire.CodeMethodNotAllowed, "method not allowed, see the Allow header"})
	})
}

// isClean reports whether p is a path the mux takes as it is: rooted, with
// no empty, "." or ".." segments (a trailing slash is kept, as the mux does).
func isClean(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	c := path.Clean(p)
	if p[len(p)-1] == '/' && c != "/" {
		c += "/"
	}
	return c == p
}

// capture is a ResponseWriter that keeps the status and headers and drops
// the body.
type capture struct {
	header http.Header
	code   int
}

func (c *capture) Header() http.Header { return c.header }

func (c *capture) Write(b []byte) (int, error) {
	if c.code == 0 {
		c.code = http.StatusOK
	}
	return len(b), nil
}

func (c *capture) WriteHeader(code int) {
	if c.code == 0 {
		c.code = code
	}
}
