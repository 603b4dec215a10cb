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
	return slog.New(NewHandler(w, level)).With(slog.String("service", service))
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

// Handler is a slog.JSONHandler that adds request_id, trace_id and span_id
// from the context to every record, and writes a line at WARN or above at
// once when it writes to an *Output.
type Handler struct {
	slog.Handler
	out *Output // may be nil
}

// NewHandler returns a Handler writing to w at level and above (nil: INFO).
func NewHandler(w io.Writer, level slog.Leveler) *Handler {
	out, _ := w.(*Output)
	return &Handler{Handler: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}), out: out}
}

// Handle adds the request ID and the trace, if ctx has them, and writes r.
// A cancelled context still logs: shutdown lines matter most.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	if s := trace.FromContext(ctx); s != nil {
		// r is this call's own: a Logger makes a Record per call and
		// keeps no copy, so adding to it changes no one else's.
		r.AddAttrs(slog.String("request_id", s.RequestID), slog.String("trace_id", s.TraceID), slog.String("span_id", s.SpanID))
	}
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn && h.out != nil {
		h.out.Flush()
	}
	return err
}

// WithAttrs returns a Handler whose records have attrs too.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{Handler: h.Handler.WithAttrs(attrs), out: h.out}
}

// WithGroup returns a Handler whose records' attributes are in group name.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{Handler: h.Handler.WithGroup(name), out: h.out}
}
