package e2e

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"oauthtime/internal/servicetest"
)

// keepAliveCaller calls the webapp over one kept-alive connection at a
// time, as a plain HTTP/1.1 client does, with no retries of its own, so
// that a connection reset under a request it sent is seen, not hidden.
type keepAliveCaller struct {
	addr                 string
	ok, answered, resets *atomic.Int64
	conn                 net.Conn
	br                   *bufio.Reader
	served               int // answers on conn so far
	lastErr              atomic.Value
}

// run calls until ctx is done. A refused dial (the webapp is between its
// stop and its start) is not a reset: no request was sent on a kept-alive
// connection.
func (c *keepAliveCaller) run(ctx context.Context) {
	defer func() {
		if c.conn != nil {
			c.conn.Close()
		}
	}()
	for ctx.Err() == nil {
		if c.conn == nil {
			conn, err := net.DialTimeout("tcp", c.addr, time.Second)
			if err != nil {
				continue
			}
			c.conn, c.br, c.served = conn, bufio.NewReader(conn), 0
		}
		c.conn.SetDeadline(time.Now().Add(10 * time.Second))
		_, err := io.WriteString(c.conn, "GET /current_time HTTP/1.1\r\nHost: webapp\r\n\r\n")
		var resp *http.Response
		if err == nil {
			resp, err = http.ReadResponse(c.br, nil)
		}
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if err != nil {
			// A new connection that dies with its first request was
			// caught in the listener's queue as the server stopped: as
			// good as refused. One that had answers was kept alive.
			if c.served > 0 {
				c.resets.Add(1)
				c.lastErr.Store(err)
			}
			c.conn.Close()
			c.conn = nil
			continue
		}
		c.answered.Add(1)
		c.served++
		if resp.StatusCode == http.StatusOK {
			c.ok.Add(1)
		}
		if resp.Close {
			c.conn.Close()
			c.conn = nil
		}
	}
}

// TestRollingRestart restarts each service in turn (SIGTERM-style stop
// with its drain, then a new process on the same address) under 64
// keep-alive callers of the webapp, and checks that no caller ever sees a
// reset on a kept-alive connection: every request it sent on one got an
// HTTP answer.
func TestRollingRestart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("takes a few seconds")
	}
	// Long enough for each of the 64 callers to send once during it, and
	// so to be told Connection: close, even on a loaded machine (-race,
	// every package's tests at once).
	drain := map[string]string{"AUTH_DRAIN": "1s", "RESOURCE_DRAIN": "1s", "WEBAPP_DRAIN": "1s"}
	auth := startAuth(t, drain)
	res := startResource(t, auth.URL, drain)
	web := startWeb(t, auth.URL, res.URL, drain)

	var ok, answered, resets atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	callers := make([]*keepAliveCaller, 64)
	for i := range callers {
		callers[i] = &keepAliveCaller{addr: web.Addr, ok: &ok, answered: &answered, resets: &resets}
		wg.Add(1)
		go func() { defer wg.Done(); callers[i].run(ctx) }()
	}
	defer func() { cancel(); wg.Wait() }()
	// progress waits until the callers have had n more good answers.
	progress := func(n int64) {
		t.Helper()
		want := ok.Load() + n
		for deadline := time.Now().Add(20 * time.Second); ok.Load() < want; {
			if time.Now().After(deadline) {
				t.Fatalf("callers stuck at %d good answers", ok.Load())
			}
			time.Sleep(time.Millisecond)
		}
	}
	restart := func(s *servicetest.Service, start func(addr string) *servicetest.Service) {
		t.Helper()
		if err := s.Stop(); err != nil {
			t.Fatal(err)
		}
		start(s.Addr)
	}
	progress(200)
	restart(auth, func(addr string) *servicetest.Service {
		return startAuth(t, merge(drain, map[string]string{"AUTH_ADDR": addr}))
	})
	progress(200)
	restart(res, func(addr string) *servicetest.Service {
		return startResource(t, auth.URL, merge(drain, map[string]string{"RESOURCE_ADDR": addr}))
	})
	progress(200)
	restart(web, func(addr string) *servicetest.Service {
		return startWeb(t, auth.URL, res.URL, merge(drain, map[string]string{"WEBAPP_ADDR": addr}))
	})
	progress(200)
	cancel()
	wg.Wait()
	t.Logf("%d answers, %d of them 200, %d resets", answered.Load(), ok.Load(), resets.Load())
	if n := resets.Load(); n != 0 {
		var last error
		for _, c := range callers {
			if err, _ := c.lastErr.Load().(error); err != nil {
				last = err
			}
		}
		if errors.Is(last, context.Canceled) {
			last = nil
		}
		t.Fatalf("callers saw %d resets of requests they sent (last: %v)", n, last)
	}
}
