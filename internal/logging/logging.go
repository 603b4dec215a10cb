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
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"oauthtime/internal/jsonobj"
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

// Handler writes JSON lines, byte for byte as slog.JSONHandler does, and
// adds request_id, trace_id and span_id from the context to every record.
// It wraps a slog.JSONHandler, and writes the lines of every service (no
// groups; strings, numbers, booleans) itself: slog.JSONHandler formats a
// float through encoding/json, which on the access line's duration_ms cost
// about a third of the line. Anything else goes through the wrapped one.
// Like every slog.Handler, it never changes itself.
type Handler struct {
	inner slog.Handler
	w     io.Writer
	mu    *sync.Mutex // one line at a time, shared with the handler's clones
	level slog.Leveler
	pre   []byte  // the attributes of WithAttrs, encoded, each after a comma
	slow  bool    // a group is open: every record goes to inner
	out   *Output // flushed after a line at WARN or above; may be nil
}

// NewHandler returns a Handler writing to w at level and above (nil: INFO).
func NewHandler(w io.Writer, level slog.Leveler) Handler {
	if level == nil {
		level = slog.LevelInfo
	}
	h := Handler{inner: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}), w: w, mu: new(sync.Mutex), level: level}
	h.out, _ = w.(*Output)
	return h
}

// Enabled reports whether level is logged.
func (h Handler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= h.level.Level()
}

// Handle adds the request ID and the trace, if ctx has them, and writes r.
// A cancelled context still logs: shutdown lines matter most.
func (h Handler) Handle(ctx context.Context, r slog.Record) error {
	return h.emit(ctx, r.Time, r.Level, r.Message, &r, nil)
}

// Line logs msg at level and time t with attrs, as Handle logs the Record
// of them, but without making one: a Record holds five attributes and
// allocates for more, and the access line of every request has eight.
func (h Handler) Line(ctx context.Context, t time.Time, level slog.Level, msg string, attrs ...slog.Attr) error {
	if !h.Enabled(ctx, level) {
		return nil
	}
	return h.emit(ctx, t, level, msg, nil, attrs)
}

// emit writes one line: r's attributes, if r is not nil, then list. What
// encode does not know, the wrapped slog.JSONHandler writes.
func (h Handler) emit(ctx context.Context, t time.Time, level slog.Level, msg string, r *slog.Record, list []slog.Attr) error {
	span := trace.FromContext(ctx)
	var err error
	if bp, ok := h.encode(t, level, msg, r, list, span); ok {
		if h.out != nil {
			_, err = h.out.Write(*bp) // an Output takes a line at a time itself
		} else {
			h.mu.Lock()
			_, err = h.w.Write(*bp)
			h.mu.Unlock()
		}
		buffers.Put(bp)
	} else {
		rec := slog.NewRecord(t, level, msg, 0)
		if r != nil {
			rec = r.Clone() // a copy of a Record must not grow storage it shares
		}
		rec.AddAttrs(list...)
		if span != nil {
			rec.AddAttrs(slog.String("request_id", span.RequestID), slog.String("trace_id", span.TraceID), slog.String("span_id", span.SpanID))
		}
		err = h.inner.Handle(ctx, rec)
	}
	if level >= slog.LevelWarn && h.out != nil {
		h.out.Flush()
	}
	return err
}

var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// encode writes a record as slog.JSONHandler would, if every value in it
// is of a kind it knows, and span's IDs after its attributes (written
// here, not added to the record, which would grow its storage); ok is
// false if not, and nothing is written. The attributes are r's, if r is
// not nil, then list.
func (h Handler) encode(t time.Time, level slog.Level, msg string, r *slog.Record, list []slog.Attr, span *trace.Span) (bp *[]byte, ok bool) {
	if h.slow {
		return nil, false
	}
	if y := t.Year(); !t.IsZero() && (y < 0 || y >= 10000) {
		return nil, false
	}
	bp = buffers.Get().(*[]byte)
	b := append((*bp)[:0], '{')
	if !t.IsZero() {
		b = append(b, `"time":"`...)
		b = t.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `",`...)
	}
	b = append(b, `"level":`...)
	b = jsonobj.AppendLogString(b, level.String())
	b = append(b, `,"msg":`...)
	b = jsonobj.AppendLogString(b, msg)
	b = append(b, h.pre...)
	ok = true
	if r != nil {
		r.Attrs(func(a slog.Attr) bool {
			b, ok = appendAttr(b, a)
			return ok
		})
	}
	for i := 0; ok && i < len(list); i++ {
		b, ok = appendAttr(b, list[i])
	}
	if !ok {
		*bp = b
		buffers.Put(bp)
		return nil, false
	}
	if span != nil {
		b = append(b, `,"request_id":`...)
		b = jsonobj.AppendLogString(b, span.RequestID)
		b = append(b, `,"trace_id":`...)
		b = jsonobj.AppendLogString(b, span.TraceID)
		b = append(b, `,"span_id":`...)
		b = jsonobj.AppendLogString(b, span.SpanID)
	}
	b = append(b, "}\n"...)
	*bp = b
	return bp, true
}

// appendAttr appends ,"key":value, if the value is of a kind encode knows.
func appendAttr(b []byte, a slog.Attr) ([]byte, bool) {
	kind := a.Value.Kind()
	if kind == slog.KindLogValuer { // Resolve, with its recover, only when there is something to resolve
		a.Value = a.Value.Resolve()
		kind = a.Value.Kind()
	}
	if a.Key == "" && a.Equal(slog.Attr{}) {
		return b, true // slog drops an empty attribute
	}
	b = append(b, ',')
	b = jsonobj.AppendLogString(b, a.Key)
	b = append(b, ':')
	v := a.Value
	switch kind {
	case slog.KindString:
		b = jsonobj.AppendLogString(b, v.String())
	case slog.KindInt64:
		b = strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		b = strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindBool:
		b = strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		b = strconv.AppendInt(b, int64(v.Duration()), 10)
	case slog.KindFloat64:
		return appendFloat(b, v.Float64())
	default:
		return b, false
	}
	return b, true
}

// appendFloat formats f as encoding/json does, which is what
// slog.JSONHandler writes; NaN and infinities it cannot write.
func appendFloat(b []byte, f float64) ([]byte, bool) {
	// A whole number of thousandths under 2^30, as every duration_ms is,
	// is written with integers: its decimal digits are encoding/json's
	// shortest form of it, as no other number of three decimals or fewer
	// lies within half a unit in the last place of f.
	if f > 0 && f < 1<<30 {
		if n := math.Round(f * 1000); n/1000 == f {
			return appendThousandths(b, int64(n)), true
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(b)
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		if n := len(b) - start; n >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
			b[len(b)-2] = b[len(b)-1]
			b = b[:len(b)-1]
		}
	}
	return b, true
}

// appendThousandths writes n/1000 in decimal, with no trailing zeros.
func appendThousandths(b []byte, n int64) []byte {
	b = strconv.AppendInt(b, n/1000, 10)
	frac := n % 1000
	if frac == 0 {
		return b
	}
	b = append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	return b
}

// WithAttrs returns a Handler that adds attrs to every record.
func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := h
	c.inner = h.inner.WithAttrs(attrs)
	if !h.slow {
		pre := append([]byte(nil), h.pre...)
		for _, a := range attrs {
			var ok bool
			if pre, ok = appendAttr(pre, a); !ok {
				c.slow = true // a value encode does not know: the wrapped one writes
				break
			}
		}
		c.pre = pre
	}
	return c
}

// WithGroup returns a Handler that puts later attributes in group name.
func (h Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := h
	c.inner = h.inner.WithGroup(name)
	c.slow = true
	return c
}
