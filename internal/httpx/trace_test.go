package httpx

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"oauthtime/internal/trace"
)

// TestClientSendsChildSpans: each upstream call carries the trace of its
// context under a span ID of its own, and the caller's tracestate.
func TestClientSendsChildSpans(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []http.Header
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Header.Clone())
		mu.Unlock()
	}))
	t.Cleanup(up.Close)
	c := NewClient(time.Second, nil, nil)
	t.Cleanup(c.Close)

	span := trace.Start("r1", []string{"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}, []string{"rojo=1"})
	ctx := trace.NewContext(context.Background(), span)
	for i := 0; i < 2; i++ {
		req, _ := http.NewRequestWithContext(ctx, "GET", up.URL, nil)
		if _, _, err := c.Call(req, 1024); err != nil {
			t.Fatal(err)
		}
	}
	parents := map[string]bool{span.SpanID: true, "00f067aa0ba902b7": true}
	for _, h := range got {
		traceID, parentID, flags, ok := trace.Parse(h.Get("Traceparent"))
		if !ok || traceID != span.TraceID || flags != "01" || parents[parentID] || h.Get("Tracestate") != "rojo=1" {
			t.Errorf("upstream got traceparent %q, tracestate %q", h.Get("Traceparent"), h.Get("Tracestate"))
		}
		parents[parentID] = true
	}
	if len(got) != 2 {
		t.Fatalf("upstream got %d calls", len(got))
	}
}
