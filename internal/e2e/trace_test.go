package e2e

import (
	"testing"

	"oauthtime/internal/servicetest"
)

// TestTraceAcrossServices: a call to the webapp with a traceparent shows
// that trace on every log line of all three services for the call, each
// service with a span of its own; the request ID goes along unchanged.
func TestTraceAcrossServices(t *testing.T) {
	t.Parallel()
	sys := startSystem(t)
	client := newClient(t)
	const (
		traceID  = "4bf92f3577b34da6a3ce929d0e0e4736"
		parentID = "00f067aa0ba902b7"
		rid      = "e2e-traceparent-7"
	)
	status, h, _ := call(t, client, "GET", sys.web.URL+"/current_time", map[string]string{
		"Traceparent":  "00-" + traceID + "-" + parentID + "-01",
		"Tracestate":   "rojo=00f067aa0ba902b7",
		"X-Request-ID": rid,
	}, "")
	if status != 200 || h.Get("X-Request-ID") != rid {
		t.Fatalf("with a traceparent: %d %v", status, h)
	}
	spans := map[any]string{}
	for name, s := range map[string]*servicetest.Service{"webapp": sys.web, "resourceserver": sys.res, "authserver": sys.auth} {
		lines := 0
		for _, l := range s.Logs.Lines(t) {
			if l["request_id"] != rid {
				continue
			}
			lines++
			if l["trace_id"] != traceID {
				t.Errorf("%s: line without the caller's trace: %v", name, l)
			}
			if id, _ := l["span_id"].(string); len(id) != 16 || id == parentID {
				t.Errorf("%s: span_id %q is not a span of its own", name, id)
			} else if other, seen := spans[id]; seen && other != name {
				t.Errorf("%s and %s share span_id %s", name, other, id)
			} else {
				spans[id] = name
			}
		}
		if lines == 0 {
			t.Errorf("%s logged no line for the call:\n%s", name, s.Logs)
		}
	}
	// The webapp served one call; the authserver a token request and an
	// introspection; the resourceserver one resource: four spans.
	if len(spans) != 4 {
		t.Errorf("spans = %v, want 4", spans)
	}
}
