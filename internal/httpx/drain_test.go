package httpx

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"oauthtime/internal/metrics"
	"oauthtime/internal/servicetest"
	"oauthtime/internal/wire"
)

// rawConn is a keep-alive caller on one connection, with no retries of
// its own: what it sees is what the server did.
type rawConn struct {
	c  net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{c: c, br: bufio.NewReader(c)}
}

func (rc *rawConn) get(path string) (*http.Response, string, error) {
	rc.c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(rc.c, "GET "+path+" HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
		return nil, "", err
	}
	resp, err := http.ReadResponse(rc.br, nil)
	if err != nil {
		return nil, "", err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b), err
}

// TestDrain: told to stop, the server keeps serving for its drain, with
// /healthz 503 and each answer closing its connection; a caller that sends
// on a kept-alive connection during the drain gets an answer, not a reset.
func TestDrain(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	AddProbes(mux, metrics.NewRegistry(), false, nil)
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "x") })
	s := servicetest.Start(t, "test", serveWith(ServerConfig{Drain: 2 * time.Second}, mux), nil)
	if resp, body, err := dialRaw(t, s.Addr).get("/readyz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/readyz before the stop: %v %q", err, body)
	}

	idle := dialRaw(t, s.Addr)
	if resp, _, err := idle.get("/x"); err != nil || resp.Close {
		t.Fatalf("before the stop: %v, close %v", err, resp != nil && resp.Close)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop() }()
	for { // until the server says it is draining
		resp, body, err := dialRaw(t, s.Addr).get("/healthz")
		if err != nil {
			t.Fatalf("healthz while draining: %v", err)
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			if !strings.Contains(body, "draining") || !resp.Close {
				t.Fatalf("healthz while draining: %q, close %v", body, resp.Close)
			}
			if resp, body, err := dialRaw(t, s.Addr).get("/readyz"); err != nil || resp.StatusCode != 503 || !strings.Contains(body, `"reason":`) {
				t.Fatalf("/readyz while draining: %v %v %q, want 503 with a reason", err, resp != nil && resp.StatusCode == 503, body)
			}
			if resp, _, err := dialRaw(t, s.Addr).get("/livez"); err != nil || resp.StatusCode != 200 {
				t.Fatalf("/livez while draining: %v, want 200", err)
			}
			break
		}
	}
	resp, body, err := idle.get("/x")
	if err != nil {
		t.Fatalf("request on a kept-alive connection during the drain: %v", err)
	}
	if resp.StatusCode != 200 || body != "x" || !resp.Close {
		t.Fatalf("during the drain: %d %q, Connection: close %v", resp.StatusCode, body, resp.Close)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}

// TestMaxConns: past the cap, a new connection closes the one idle
// longest; when every connection is busy with a request, it waits to be
// accepted until one is free.
func TestMaxConns(t *testing.T) {
	t.Parallel()
	release, started := make(chan struct{}), make(chan struct{}, 2)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "x") })
	mux.HandleFunc("GET /block", func(w http.ResponseWriter, _ *http.Request) {
		started <- struct{}{}
		<-release
		io.WriteString(w, "x")
	})
	s := servicetest.Start(t, "test", serveWith(ServerConfig{MaxConns: 2}, mux), nil)
	first, second := dialRaw(t, s.Addr), dialRaw(t, s.Addr)
	for _, c := range []*rawConn{first, second} {
		if _, _, err := c.get("/"); err != nil {
			t.Fatal(err)
		}
	}
	third := dialRaw(t, s.Addr)
	if _, _, err := third.get("/"); err != nil {
		t.Fatalf("a new connection with the cap reached by idle ones: %v", err)
	}
	if _, _, err := first.get("/"); err == nil {
		t.Fatal("the longest idle connection was not closed to admit a new one")
	}

	busy := make(chan error, 2)
	for _, c := range []*rawConn{second, third} {
		go func() { _, _, err := c.get("/block"); busy <- err }()
	}
	<-started
	<-started
	fourth := dialRaw(t, s.Addr)
	answered := make(chan error, 1)
	go func() { _, _, err := fourth.get("/"); answered <- err }()
	select {
	case err := <-answered:
		t.Fatalf("a connection was served past the cap of 2 with both busy (%v)", err)
	case <-time.After(100 * time.Millisecond): // a negative: it does not come
	}
	close(release)
	for i := 0; i < 2; i++ {
		if err := <-busy; err != nil {
			t.Fatal(err)
		}
	}
	if err := <-answered; err != nil {
		t.Fatalf("the waiting connection after the busy ones were answered: %v", err)
	}
}

// TestConnsHeldByOneAddress: idle keep-alive connections past the cap, or
// thousands of connections that send nothing, all from one address, leave
// a new caller answered at once.
func TestConnsHeldByOneAddress(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", HandleHealthz())
	s := servicetest.Start(t, "test", serveWith(ServerConfig{MaxConns: 2048, MaxNewPerIP: 256}, mux), nil)
	probe := func(what string) {
		t.Helper()
		// Under a second, as a health probe wants (more under the race
		// detector, which slows the accepting of 5,000 connections).
		c := http.Client{Timeout: slowdown * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Get(s.URL + "/healthz")
		if err != nil {
			t.Fatalf("after %s: %v", what, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("after %s: status %d", what, resp.StatusCode)
		}
	}
	for i := 0; i < 2100; i++ {
		c := dialRaw(t, s.Addr)
		if _, _, err := c.get("/healthz"); err != nil {
			t.Fatalf("idle connection %d: %v", i, err)
		}
	}
	probe("2,100 idle keep-alive connections")
	for i := 0; i < 5000; i++ {
		dialRaw(t, s.Addr) // sends nothing
	}
	probe("5,000 connections that send nothing")
}

// TestFormRequestRetried: when a kept-alive connection is closed under a
// token or introspection request before any byte of an answer, the client
// sends it again on a new connection.
func TestFormRequestRetried(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var requests atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { // answers the first request of a connection, then closes under the next
				defer c.Close()
				br := bufio.NewReader(c)
				for n := 0; ; n++ {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					requests.Add(1)
					if n == 1 {
						return
					}
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				}
			}()
		}
	}()
	client := NewClient(2*time.Second, nil, nil)
	t.Cleanup(client.Close)
	for i := 0; i < 2; i++ {
		req, err := wire.NewEndpoint("http://"+ln.Addr().String()+"/token", "x", "y").NewRequest(context.Background(), url.Values{"grant_type": {"password"}})
		if err != nil {
			t.Fatal(err)
		}
		_, b, err := client.Call(req, 10)
		if err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
		if string(b) != "ok" {
			t.Fatalf("call %d: %q", i+1, b)
		}
	}
	if n := requests.Load(); n != 3 {
		t.Fatalf("the server read %d requests, want 3 (one sent again)", n)
	}
}

// TestStopServesQueued: connections that the kernel accepted but the server
// had not yet taken when it stops are answered, each with Connection:
// close, not reset.
func TestStopServesQueued(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "x") })
	started := make(chan struct{})
	mux.HandleFunc("GET /block", func(w http.ResponseWriter, _ *http.Request) { close(started); <-release; io.WriteString(w, "x") })
	// A cap of one, held by a request in flight: the rest wait in the
	// kernel's queue, as new connections do at the end of a busy drain.
	s := servicetest.Start(t, "test", serveWith(ServerConfig{MaxConns: 1}, mux), nil)
	busy := dialRaw(t, s.Addr)
	blocked := make(chan error, 1)
	go func() { _, _, err := busy.get("/block"); blocked <- err }()
	<-started
	queued := make([]*rawConn, 20)
	for i := range queued {
		queued[i] = dialRaw(t, s.Addr)
		io.WriteString(queued[i].c, "GET /x HTTP/1.1\r\nHost: test\r\n\r\n")
	}
	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop() }()
	for i, c := range queued {
		c.c.SetDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(c.br, nil)
		if err != nil {
			t.Fatalf("queued connection %d: %v", i, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || !resp.Close {
			t.Fatalf("queued connection %d: status %d, Connection: close %v", i, resp.StatusCode, resp.Close)
		}
	}
	close(release)
	if err := <-blocked; err != nil {
		t.Fatal(err)
	}
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
}
