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
	mux.Handle("GET /healthz", HandleHealthz())
	mux.HandleFunc("GET /x", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "x") })
	s := servicetest.Start(t, "test", serveWith(ServerConfig{Drain: 2 * time.Second}, mux), nil)

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

// TestMaxConns: past the cap, a new connection waits to be accepted until
// one closes.
func TestMaxConns(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "x") })
	s := servicetest.Start(t, "test", serveWith(ServerConfig{MaxConns: 2}, h), nil)
	first, second := dialRaw(t, s.Addr), dialRaw(t, s.Addr)
	for _, c := range []*rawConn{first, second} {
		if _, _, err := c.get("/"); err != nil {
			t.Fatal(err)
		}
	}
	third := dialRaw(t, s.Addr)
	answered := make(chan error, 1)
	go func() { _, _, err := third.get("/"); answered <- err }()
	select {
	case err := <-answered:
		t.Fatalf("a third connection was served with a cap of 2 (%v)", err)
	case <-time.After(100 * time.Millisecond): // a negative: it does not come
	}
	first.c.Close()
	if err := <-answered; err != nil {
		t.Fatalf("the waiting connection after one closed: %v", err)
	}
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
