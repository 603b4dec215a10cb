// Package logging builds the services' loggers: JSON lines on one writer,
// every line stamped with the service name and, while a request is being
// served, its request ID, trace ID and span ID (taken from the context by
// the handler, so no call site has to remember them).
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"oauthtime/internal/trace"
)

// New returns a JSON logger for service writing to w at level and above.
// If w is an *Output, a line at WARN or above is written at once.
func New(w io.Writer, service string, level slog.Leveler) *slog.Logger {
	h := Handler{inner: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})}
	h.out, _ = w.(*Output)
	return slog.New(h).With(slog.String("service", service))
}

// ParseLevel reads a LOG_LEVEL value: debug, info, warn or error.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("unknown level %q: want debug, info, warn or error", s)
}

// Handler adds request_id, trace_id and span_id from the context to every
// record. It wraps
// another handler and, like every slog.Handler, never changes itself.
type Handler struct {
	inner slog.Handler
	out   *Output // flushed after a line at WARN or above; may be nil
}

// NewHandler wraps inner.
func NewHandler(inner slog.Handler) Handler { return Handler{inner: inner} }

// Enabled reports whether inner handles level.
func (h Handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

// Handle adds the request ID and the trace, if ctx has them, and passes r
// on. A cancelled
// context still logs: shutdown lines matter most.
func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	if span := trace.FromContext(ctx); span != nil {
		// One AddAttrs for all three: the record grows its storage once.
		r.AddAttrs(slog.String("request_id", span.RequestID), slog.String("trace_id", span.TraceID), slog.String("span_id", span.SpanID))
	}
	err := h.inner.Handle(ctx, r)
	if r.Level >= slog.LevelWarn && h.out != nil {
		h.out.Flush()
	}
	return err
}

// WithAttrs returns a new Handler whose inner handler has attrs.
func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return Handler{inner: h.inner.WithAttrs(attrs), out: h.out}
}

// WithGroup returns a new Handler whose inner handler opens group.
func (h Handler) WithGroup(name string) slog.Handler {
	return Handler{inner: h.inner.WithGroup(name), out: h.out}
}
