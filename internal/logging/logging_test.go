package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"testing/slogtest"

	"oauthtime/internal/trace"
)

func TestRequestIDAndService(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := New(&buf, "authserver", slog.LevelInfo)
	span := trace.Start("req-1", []string{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}, nil)
	ctx := trace.NewContext(context.Background(), span)
	log.InfoContext(ctx, "token issued", "jti", "j1")
	log.Info("started")
	log.DebugContext(ctx, "hidden")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(lines), buf.String())
	}
	var first, second map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if first["request_id"] != "req-1" || first["service"] != "authserver" || first["msg"] != "token issued" ||
		first["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" || first["span_id"] != span.SpanID {
		t.Errorf("first line = %v", first)
	}
	if _, ok := second["request_id"]; ok || second["service"] != "authserver" {
		t.Errorf("second line = %v", second)
	}
}

func TestParseLevel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]slog.Level{"debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		if got, err := ParseLevel(in); err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "verbose", "info+2"} {
		if _, err := ParseLevel(in); err == nil {
			t.Errorf("ParseLevel(%q) accepted", in)
		}
	}
}

// TestSlogtest runs the standard library's conformance tests on Handler.
func TestSlogtest(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := NewHandler(&buf, nil)
	results := func() []map[string]any {
		var ms []map[string]any
		for _, line := range bytes.Split(buf.Bytes(), []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		return ms
	}
	if err := slogtest.TestHandler(h, results); err != nil {
		t.Fatal(err)
	}
}
