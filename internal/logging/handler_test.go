package logging

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"oauthtime/internal/trace"
	"testing"
	"time"
)

// same logs one record through Handler and through slog.JSONHandler and
// fails unless the lines are byte for byte the same.
func same(t *testing.T, with []slog.Attr, msg string, attrs ...slog.Attr) {
	t.Helper()
	var ours, theirs bytes.Buffer
	var h slog.Handler = NewHandler(&ours, slog.LevelDebug)
	var s slog.Handler = slog.NewJSONHandler(&theirs, &slog.HandlerOptions{Level: slog.LevelDebug})
	if with != nil {
		h, s = h.WithAttrs(with), s.WithAttrs(with)
	}
	r := slog.NewRecord(time.Date(2026, 11, 29, 1, 2, 3, 4005000, time.UTC), slog.LevelWarn+1, msg, 0)
	r.AddAttrs(attrs...)
	h.Handle(context.Background(), r)
	s.Handle(context.Background(), r)
	if ours.String() != theirs.String() {
		t.Errorf("ours   %s\nslog's %s", ours.String(), theirs.String())
	}
}

type redacted struct{}

func (redacted) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }

// TestMatchesSlog: the lines Handler writes itself are slog.JSONHandler's,
// byte for byte, and it hands slog.JSONHandler what it does not write.
func TestMatchesSlog(t *testing.T) {
	t.Parallel()
	same(t, nil, "request",
		slog.String("method", "GET"), slog.String("path", "/current_time"), slog.Int("status", 200),
		slog.Float64("duration_ms", 1.032), slog.String("remote", "127.0.0.1"), slog.Bool("active", true),
		slog.Uint64("u", 1<<63), slog.Duration("d", 1500*time.Millisecond), slog.Int64("neg", -5))
	same(t, []slog.Attr{slog.String("service", "webapp")}, "with \"quotes\", \\, <html> & \u2028\u2029 \x00\x1f\x7f\b\f \xff é\n\r\t")
	for _, f := range []float64{0, -0.0, 1, 0.1, 1e-6, 1e-7, 123456789.125, 1e20, 1e21, 1.5e300, -2.5e-9, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		same(t, nil, "float", slog.Float64("f", f))
	}
	same(t, nil, "empty attribute", slog.Attr{}, slog.String("", "empty key"))
	same(t, nil, "resolved", slog.Any("secret", redacted{}))
	// What Handler leaves to slog: any, errors, times, groups, NaN.
	same(t, nil, "any", slog.Any("list", []int{1, 2}), slog.Any("err", errors.New("boom")))
	same(t, nil, "time", slog.Time("at", time.Unix(0, 0).UTC()))
	same(t, nil, "group", slog.Group("g", slog.Int("a", 1)))
	same(t, nil, "nan", slog.Float64("f", math.NaN()))
	same(t, []slog.Attr{slog.Any("list", []int{1})}, "slow with")
}

// FuzzMatchesSlog: for any message, key and values, Handler's line is
// slog.JSONHandler's.
func FuzzMatchesSlog(f *testing.F) {
	f.Add("request", "path", "/current_time", int64(200), 1.032, true)
	f.Add("a\"b\\c", "k\x00", "\xff\u2028", int64(-1), 1e-9, false)
	f.Fuzz(func(t *testing.T, msg, key, s string, i int64, fl float64, b bool) {
		same(t, []slog.Attr{slog.String(key, s)}, msg, slog.String(key, s), slog.Int64("i", i), slog.Float64("f", fl), slog.Bool("b", b))
	})
}

// TestDurationsMatchSlog: whole thousandths, which Handler writes with
// integers, come out as slog.JSONHandler writes them, as do the floats
// next to them, which it does not.
func TestDurationsMatchSlog(t *testing.T) {
	t.Parallel()
	ns := []int64{1, 9, 10, 99, 100, 999, 1000, 1001, 1010, 1100, 12345, 1<<30*1000 - 1, 1 << 30 * 1000, 1<<53 - 1}
	for n := int64(1); n < 200000; n += 37 {
		ns = append(ns, n)
	}
	for _, n := range ns {
		f := float64(n) / 1000
		for _, g := range []float64{f, math.Nextafter(f, 0), math.Nextafter(f, math.Inf(1)), -f} {
			same(t, nil, "request", slog.Float64("duration_ms", g))
		}
	}
}

// FuzzDurationsMatchSlog: TestDurationsMatchSlog for any number of
// microseconds.
func FuzzDurationsMatchSlog(f *testing.F) {
	f.Add(int64(1250))
	f.Fuzz(func(t *testing.T, us int64) {
		same(t, nil, "request", slog.Float64("duration_ms", float64(us)/1000))
	})
}

// TestSpanMatchesSlog: the request ID, trace and span Handler writes from
// the context are what slog.JSONHandler writes for the same attributes
// added last.
func TestSpanMatchesSlog(t *testing.T) {
	t.Parallel()
	span := trace.Start("r\"1", []string{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}, nil)
	for _, attrs := range [][]slog.Attr{
		{slog.String("method", "GET"), slog.Int("status", 200), slog.Float64("duration_ms", 0.25)},
		{slog.Any("slow", []int{1})}, // through slog.JSONHandler
	} {
		var ours, theirs bytes.Buffer
		r := slog.NewRecord(time.Date(2026, 11, 29, 1, 2, 3, 4, time.UTC), slog.LevelInfo, "request", 0)
		r.AddAttrs(attrs...)
		NewHandler(&ours, nil).WithAttrs([]slog.Attr{slog.String("service", "s")}).Handle(trace.NewContext(context.Background(), span), r)
		r.AddAttrs(slog.String("request_id", span.RequestID), slog.String("trace_id", span.TraceID), slog.String("span_id", span.SpanID))
		slog.NewJSONHandler(&theirs, nil).WithAttrs([]slog.Attr{slog.String("service", "s")}).Handle(context.Background(), r)
		if ours.String() != theirs.String() {
			t.Errorf("ours   %s\nslog's %s", ours.String(), theirs.String())
		}
	}
}

// TestLineMatchesHandle: Line writes what Handle writes for the Record of
// the same parts, with the span, past a Record's five inline attributes,
// and for values only slog.JSONHandler writes; below the level, nothing.
func TestLineMatchesHandle(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 29, 1, 2, 3, 4, time.UTC)
	ctx := trace.NewContext(context.Background(), trace.Start("rid", nil, nil))
	for _, attrs := range [][]slog.Attr{
		nil,
		{slog.String("method", "POST"), slog.String("path", "/introspect"), slog.Int("status", 200), slog.Float64("duration_ms", 0.25),
			slog.String("remote", "127.0.0.1"), slog.String("client_id", "rs"), slog.Bool("active", true), slog.String("jti", "j")},
		{slog.Int("n", 1), slog.Any("slow", []int{1})},
	} {
		var line, handle bytes.Buffer
		h := NewHandler(&line, nil).WithAttrs([]slog.Attr{slog.String("service", "s")}).(Handler)
		if err := h.Line(ctx, at, slog.LevelInfo, "request", attrs...); err != nil {
			t.Fatal(err)
		}
		r := slog.NewRecord(at, slog.LevelInfo, "request", 0)
		r.AddAttrs(attrs...)
		NewHandler(&handle, nil).WithAttrs([]slog.Attr{slog.String("service", "s")}).Handle(ctx, r)
		if line.String() != handle.String() || line.Len() == 0 {
			t.Errorf("Line   %s\nHandle %s", line.String(), handle.String())
		}
	}
	var none bytes.Buffer
	NewHandler(&none, slog.LevelWarn).Line(ctx, at, slog.LevelInfo, "request")
	if none.Len() != 0 {
		t.Errorf("a line below the level was written: %s", none.String())
	}
}
