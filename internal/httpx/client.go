package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"oauthtime/internal/metrics"
	"oauthtime/internal/trace"
)

// ConnectTimeout bounds connecting to an upstream (or the call's own
// timeout, if shorter). A host that is gone, such as a stopped container
// whose address nothing answers for, fails after it rather than after the
// whole timeout, and is reported unreachable, not slow.
const ConnectTimeout = 2 * time.Second

// IdleConnTimeout is how long an upstream connection may sit unused in a
// Client's pool.
const IdleConnTimeout = 10 * time.Second

// Client is an HTTP client for one upstream, made once at start: every
// call is bounded by its timeout, connections are kept alive and reused,
// and it counts the connections it opens.
type Client struct {
	transport *http.Transport
	timeout   time.Duration
	dials     atomic.Int64
	metrics   *metrics.Upstream
}

// NewClient returns a Client whose calls each take at most timeout. roots,
// if not nil, are the CAs trusted for https upstreams. Each call is
// recorded in m, if not nil.
func NewClient(timeout time.Duration, roots *x509.CertPool, m *metrics.Upstream) *Client {
	c := &Client{timeout: timeout, metrics: m}
	dialer := &net.Dialer{Timeout: min(timeout, ConnectTimeout), KeepAlive: 30 * time.Second}
	c.transport = &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err == nil {
				c.dials.Add(1)
			}
			return conn, err
		},
		// The default of 2 idle connections per host makes a busy service
		// open a new connection for most calls.
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 256,
		// Busy connections stay open; ones left idle after a burst close
		// soon, so that a quiet service holds few sockets and goroutines.
		IdleConnTimeout:       IdleConnTimeout,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
	}
	return c
}

// Call sends req and reads its answer's body, of at most max bytes. It
// adds the request ID of req's context and, as a new child span of its
// trace, its traceparent and tracestate. The whole call, body included,
// takes at most the client's timeout. Redirects are not followed: no
// upstream of ours sends one.
func (c *Client) Call(req *http.Request, max int64) (status int, body []byte, err error) {
	// A deadline of our own: http.Client's Timeout costs a goroutine and a
	// timer per call.
	ctx, cancel := context.WithTimeout(req.Context(), c.timeout)
	defer cancel()
	req = req.WithContext(ctx)
	if span := trace.FromContext(ctx); span != nil {
		req.Header.Set(trace.RequestIDHeader, span.RequestID)
		req.Header.Set(trace.Header, span.Child())
		if span.State != "" {
			req.Header.Set(trace.StateHeader, span.State)
		}
	}
	start := time.Now()
	resp, err := c.transport.RoundTrip(req)
	if err == nil {
		status = resp.StatusCode
		body, err = readBody(resp, max)
	}
	if c.metrics != nil {
		outcome := status
		switch {
		case status != 0:
		case IsUnreachable(err):
			outcome = metrics.OutcomeUnreachable
		case IsTimeout(err), errors.Is(err, context.Canceled):
			// The caller leaving before the answer counts as no answer in
			// time.
			outcome = metrics.OutcomeTimeout
		default:
			outcome = metrics.OutcomeBadAnswer
		}
		c.metrics.Observe(outcome, time.Since(start))
	}
	return status, body, err
}

// Unrecorded returns a Client sharing c's connections whose calls are not
// recorded in the metrics: for a service's own checks, so that the
// metrics count the calls made for its callers.
func (c *Client) Unrecorded() *Client {
	return &Client{transport: c.transport, timeout: c.timeout}
}

// Dials returns how many connections the client has opened.
func (c *Client) Dials() int64 { return c.dials.Load() }

// Close closes idle connections, so that nothing lingers after a service
// stops.
func (c *Client) Close() { c.transport.CloseIdleConnections() }

// ErrTooLarge is returned by Call for a body over its limit.
var ErrTooLarge = errors.New("response body too large")

// readBody reads and closes resp.Body, failing if it is over max bytes. A
// body read to the end leaves the connection free for reuse.
func readBody(resp *http.Response, max int64) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, ErrTooLarge
	}
	return b, nil
}

// IsUnreachable reports whether err is an upstream call that could not
// connect: refused, no route, no such host, or no answer to the connect
// within ConnectTimeout.
func IsUnreachable(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// IsTimeout reports whether err is an upstream call running out of time.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}
