package httpx

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"oauthtime/internal/metrics"
	"oauthtime/internal/trace"
)

// Wrap returns a service's whole handler: mux's routes (see routes) behind
// the middleware every service needs, in one pass: it takes or makes the
// request ID and echoes it, continues the caller's trace or starts one,
// caps the body at maxBody bytes, turns a panic into a logged 500, writes
// one access log line, and records the request in m (if not nil) under
// the route that answered. errs writes the errors it answers itself.
func Wrap(mux *http.ServeMux, log *slog.Logger, errs ErrorWriter, maxBody int64, m *metrics.HTTP) http.Handler {
	return &wrapped{next: routes(mux, errs), log: log, errs: errs, maxBody: maxBody, metrics: m}
}

type wrapped struct {
	next    http.Handler
	log     *slog.Logger
	errs    ErrorWriter
	maxBody int64
	metrics *metrics.HTTP
	// recorders are reused: a recorder is the size of the access line's
	// attributes, and a ResponseWriter is not used after its request.
	recorders sync.Pool
}

func (m *wrapped) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	// One ID or none: a repeated header is as untrustworthy as a bad one.
	// The header names are canonical already: indexed, not looked up.
	ids := r.Header[trace.RequestIDHeader]
	if len(ids) != 1 || !trace.ValidRequestID(ids[0]) {
		ids = []string{trace.NewRequestID()}
	}
	id := ids[0]
	// The caller's own value, echoed: net/http only reads it, and neither
	// header is changed after.
	w.Header()[trace.RequestIDHeader] = ids
	ctx := trace.NewContext(r.Context(), trace.Start(id, r.Header[trace.Header], r.Header[trace.StateHeader]))
	r = r.WithContext(ctx)
	if r.Body != http.NoBody { // a GET has none to cap
		r.Body = http.MaxBytesReader(w, r.Body, m.maxBody)
	}
	rec, _ := m.recorders.Get().(*recorder)
	if rec == nil {
		rec = new(recorder)
	}
	rec.ResponseWriter = w
	rec.attrs = rec.line[accessAttrs:accessAttrs]

	defer func() {
		defer m.recycle(rec)
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			m.log.ErrorContext(ctx, "panic", slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
			if rec.code == 0 {
				m.errs(rec, r, http.StatusInternalServerError, "server_error", "internal error")
			}
		}
		status := rec.status()
		elapsed := time.Since(start)
		if m.metrics != nil {
			m.metrics.Observe(r.Method, rec.route, status, elapsed)
		}
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelWarn
		}
		h := m.log.Handler()
		if !h.Enabled(ctx, level) {
			return
		}
		// The line's own attributes go before the annotations, which
		// are in line already unless they outgrew it.
		attrs := append(rec.line[:0],
			slog.String("method", r.Method),
			// The path only: a query string can carry credentials.
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("remote", host),
		)
		attrs = append(attrs, rec.attrs...)
		// The line's time is when the request ended: start plus elapsed,
		// with no second reading of the clock.
		end := start.Add(elapsed)
		if l, ok := h.(liner); ok {
			l.Line(ctx, end, level, "request", attrs...)
			return
		}
		// A Record made here, not by the Logger: the Logger would capture
		// the caller's program counter, which this line never shows.
		rr := slog.NewRecord(end, level, "request", 0)
		rr.AddAttrs(attrs...)
		h.Handle(ctx, rr)
	}()
	m.next.ServeHTTP(rec, r)
}

// recycle clears rec, so that it holds nothing of its request, and keeps
// it for the next. Of line, only what the request used needs clearing.
func (m *wrapped) recycle(rec *recorder) {
	clear(rec.line[:min(len(rec.line), accessAttrs+len(rec.attrs))])
	rec.ResponseWriter, rec.code, rec.route, rec.attrs = nil, 0, "", nil
	m.recorders.Put(rec)
}

// Annotate adds attrs to the access log line of the request that w
// answers. Handlers say what happened this way (the client, the error and
// its cause) rather than with lines of their own: one line per request.
func Annotate(w http.ResponseWriter, attrs ...slog.Attr) {
	for {
		switch x := w.(type) {
		case *recorder:
			x.attrs = append(x.attrs, attrs...)
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return
		}
	}
}

// setRoute tells the recorder behind w which route answers.
func setRoute(w http.ResponseWriter, route string) {
	for {
		switch x := w.(type) {
		case *recorder:
			x.route = route
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return
		}
	}
}

// liner is a slog.Handler that writes a line from its parts, with no
// slog.Record to fill (logging.Handler is one).
type liner interface {
	Line(ctx context.Context, t time.Time, level slog.Level, msg string, attrs ...slog.Attr) error
}

// recorder remembers the status a handler wrote, what it annotated, and
// the route that answered.
type recorder struct {
	http.ResponseWriter
	code  int
	route string        // the path of the route's pattern; "" for none
	attrs []slog.Attr   // the handler's annotations, from line[accessAttrs:]
	line  [12]slog.Attr // room for the access line's attributes, then the annotations
}

// accessAttrs is how many attributes the access line has of its own.
const accessAttrs = 5

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
			errs(w, r, http.StatusNotFound, "not_found", "no such path")
			return
		}
		h, pattern := mux.Handler(r)
		if pattern != "" {
			setRoute(w, pattern[strings.IndexByte(pattern, ' ')+1:])
			// The route's own handler, found once: mux.ServeHTTP would
			// match again. No route of ours has path wildcards to fill.
			h.ServeHTTP(w, r)
			return
		}
		// No route: let the mux say what it would answer, then answer it
		// in our shape.
		c := &capture{header: make(http.Header)}
		h.ServeHTTP(c, r)
		switch c.code {
		case http.StatusMethodNotAllowed:
			// The path is a route's, the method is not: count it under
			// that route.
			setRoute(w, r.URL.Path)
			w.Header().Set("Allow", c.header.Get("Allow"))
			errs(w, r, http.StatusMethodNotAllowed, "method_not_allowed", "method not allowed, see the Allow header")
		default:
			errs(w, r, http.StatusNotFound, "not_found", "no such path")
		}
	})
}

// isClean reports whether p is a path the mux takes as it is: rooted, with
// no empty, "." or ".." segments (a trailing slash is kept, as the mux does).
func isClean(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	if !strings.Contains(p, "//") && !strings.Contains(p, "/.") {
		return true // no empty segment, and none that starts with a dot
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
