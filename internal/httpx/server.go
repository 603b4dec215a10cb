package httpx

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"time"
)

// Server limits. Bodies are capped separately, per service, by Wrap.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 64 << 10
	// ShutdownGrace bounds how long in-flight requests may finish after a
	// stop signal.
	ShutdownGrace = 10 * time.Second
)

// ServerConfig says where and how a service listens.
type ServerConfig struct {
	Addr string
	// TLS, if not nil, makes the server HTTPS only.
	TLS *tls.Config
	// WriteTimeout bounds a whole response; it must exceed the time a
	// handler may spend on upstream calls.
	WriteTimeout time.Duration
	// Drain is how long the server keeps serving after it is told to stop,
	// with /healthz answering 503 and every response closing its
	// connection, so that callers move away before it stops accepting.
	Drain time.Duration
	// MaxConns caps the connections open at once; 0 is no cap. Past it,
	// the longest idle connection is closed to admit a new one.
	MaxConns int
	// MaxNewPerIP bounds the connections from one address that have
	// sent no complete request; 0 is no bound.
	MaxNewPerIP int
	// MetricsAddr, if set, is a second listener's address, serving
	// /metrics alone; the service's own address then answers 404 there.
	MetricsAddr string
}

// Scheme is "https" for a server with TLS, else "http".
func (c ServerConfig) Scheme() string {
	if c.TLS != nil {
		return "https"
	}
	return "http"
}

// Listen opens cfg's listener.
func Listen(cfg ServerConfig) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	return newListener(ln, cfg.MaxConns, cfg.MaxNewPerIP), nil
}

// Serve serves h on ln, which Listen opened for cfg, until ctx is done,
// then drains for cfg.Drain, stops accepting, lets in-flight requests
// finish for up to ShutdownGrace, and returns nil.
func Serve(ctx context.Context, log *slog.Logger, cfg ServerConfig, ln net.Listener, h http.Handler) error {
	var accepted, open atomic.Int64
	var draining atomic.Bool
	lim, _ := ln.(*listener)
	if cfg.TLS != nil {
		ln = tls.NewListener(ln, cfg.TLS)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if draining.Load() {
				// The connection closes after this answer: the caller
				// opens a new one, to a replica that is not stopping.
				w.Header().Set("Connection", "close")
			}
			h.ServeHTTP(w, r)
		}),
		BaseContext: func(net.Listener) context.Context {
			return context.WithValue(context.Background(), drainKey{}, &draining)
		},
		ConnState: func(c net.Conn, state http.ConnState) {
			if lim != nil {
				lim.connState(c, state)
			}
			switch state {
			case http.StateNew:
				accepted.Add(1)
				open.Add(1)
			case http.StateClosed, http.StateHijacked:
				open.Add(-1)
			}
		},
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("scheme", cfg.Scheme()))

	// Listening for the stats signal before serving: once a request is
	// answered, the signal is heard.
	stats := make(chan os.Signal, 1)
	notifyStats(stats)
	defer signal.Stop(stats)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	for running := true; running; {
		select {
		case err := <-served:
			return err
		case <-stats:
			var mem runtime.MemStats
			runtime.ReadMemStats(&mem)
			log.Info("stats",
				slog.Int("goroutines", runtime.NumGoroutine()),
				slog.Int64("connections_accepted", accepted.Load()),
				slog.Int64("connections_open", open.Load()),
				slog.Uint64("heap_bytes", mem.HeapAlloc))
		case <-ctx.Done():
			running = false
		}
	}
	// Idle connections are left open, not closed under a caller that may
	// be sending on one right now: each closes after its next answer, or
	// at the end of the drain.
	draining.Store(true)
	if cfg.Drain > 0 {
		log.Info("draining", slog.String("drain", cfg.Drain.String()))
		select {
		case <-time.After(cfg.Drain):
		case err := <-served:
			return err
		}
	}
	if lim != nil {
		// Serve what the kernel has queued, each with Connection: close,
		// rather than reset it by closing the listener under it.
		lim.finish()
		if err := <-served; !errors.Is(err, net.ErrClosed) {
			return err
		}
	}
	log.Info("shutting down", slog.String("grace", ShutdownGrace.String()))
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("in-flight requests cut off", slog.String("error", err.Error()))
		srv.Close()
	}
	if lim == nil {
		<-served
	}
	// How many connections were accepted tells whether clients reuse them.
	log.Info("stopped", slog.Int64("connections_accepted", accepted.Load()))
	return nil
}

type drainKey struct{}

// Draining reports whether the server serving the request of ctx is
// draining: about to stop, so that health checks should fail.
func Draining(ctx context.Context) bool {
	d, _ := ctx.Value(drainKey{}).(*atomic.Bool)
	return d != nil && d.Load()
}

// ServeMetrics serves GET /metrics with h on ln, a listener of its own for
// scrapers, and returns the function that stops it. Only /metrics is there,
// so its errors are plain net/http ones.
func ServeMetrics(log *slog.Logger, ln net.Listener, h http.Handler) (stop func()) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("metrics listening", slog.String("addr", ln.Addr().String()))
	done := make(chan struct{})
	go func() { defer close(done); srv.Serve(ln) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	}
}
