// Package service holds what every service does to start and stop: its
// settings (declared once as a list of Var, read from the environment and
// an optional settings file, refused at start when invalid), and the steps
// of its start, as plain functions called in order: Listen reads the
// command line and the settings, makes the logger and opens the listener;
// the service builds its handler; Serve serves it in the background; Wait
// waits for the end.
package service

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"

	"oauthtime/internal/httpx"
	"oauthtime/internal/logging"
	"oauthtime/internal/metrics"
)

// Listen takes a service from its command line to an open listener:
//
//  1. it reads args (-h prints the usage, with every setting of vars),
//     the settings file that -env-file names, and getenv;
//  2. it makes the logger, writing JSON lines to stdout;
//  3. it reads the settings with load, and logs and returns the first
//     invalid one;
//  4. with -healthcheck, it calls the running service at the address of
//     the settings' server and returns whether it is healthy;
//  5. otherwise it listens there. Listening before the service is built
//     means an address in use stops the start before any warning about
//     the settings is logged.
//
// A nil *Listener means there is nothing to serve: help was asked for, a
// health check was answered, or the start was refused (err says why, and
// has been printed or logged).
func Listen[S Settings](ctx context.Context, name, about string, vars []Var, load func(*Env) S, args []string, getenv func(string) string, stdout io.Writer) (l *Listener, s S, err error) {
	flags, err := ParseArgs(args, stdout, name, about, vars)
	if errors.Is(err, ErrHelp) {
		return nil, s, nil
	}
	if err != nil {
		return nil, s, err
	}
	var fileValues map[string]string
	found, fileErr := false, error(nil)
	envOnly := getenv
	if flags.EnvFile != "" {
		fileValues, found, fileErr = ReadEnvFile(flags.EnvFile, vars)
		getenv = WithFile(getenv, fileValues)
	}
	env := NewEnv(getenv, vars)
	out := logging.NewOutput(stdout)
	log := logging.New(out, name, env.Level("LOG_LEVEL"))
	// A start that ends here writes every line it logged.
	defer func() {
		if l == nil {
			out.Close()
		}
	}()
	switch {
	case fileErr != nil:
		return nil, s, Report(log, &Error{Setting: "-env-file", Err: fileErr})
	case flags.EnvFile != "" && !found:
		log.Info("no settings file, using the environment alone", slog.String("env_file", flags.EnvFile))
	case found:
		log.Info("settings file read", slog.String("env_file", flags.EnvFile), slog.Int("settings", len(fileValues)))
	case !anySet(getenv, vars):
		log.Info("no -env-file and no setting in the environment: running on the defaults (-h lists them)")
	}

	s = load(env)
	if err := env.Err(); err != nil {
		return nil, s, Report(log, err)
	}
	srv := s.Server()
	switch {
	case flags.HealthCheck:
		return nil, s, Report(log, httpx.CheckHealth(ctx, srv.ServerConfig, "/healthz"))
	case flags.ReadyCheck:
		return nil, s, Report(log, httpx.CheckHealth(ctx, srv.ServerConfig, "/readyz"))
	}
	ln, err := httpx.Listen(srv.ServerConfig)
	if err != nil {
		return nil, s, Report(log, &Error{Setting: srv.AddrSetting, Err: err, Cannot: true})
	}
	var metricsLn net.Listener
	if srv.MetricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", srv.MetricsAddr); err != nil {
			ln.Close()
			return nil, s, Report(log, &Error{Setting: srv.MetricsAddrSetting, Err: err, Cannot: true})
		}
	}
	for name := range fileValues {
		if envOnly(name) != "" {
			log.Warn("the environment overrides the settings file", slog.String("setting", name), slog.String("env_file", flags.EnvFile))
		}
	}
	return &Listener{Log: log, ln: ln, metrics: metricsLn, srv: srv.ServerConfig, out: out}, s, nil
}

// anySet reports whether getenv sets any of vars.
func anySet(getenv func(string) string, vars []Var) bool {
	for _, v := range vars {
		if getenv(v.Name) != "" {
			return true
		}
	}
	return false
}

// Settings are a service's settings, read and checked; Server says where
// it listens.
type Settings interface {
	Server() Server
}

// Listener is a service's open listener, not yet serving, and its logger.
type Listener struct {
	// Log writes the service's JSON log lines.
	Log     *slog.Logger
	ln      net.Listener
	metrics net.Listener // nil: /metrics is on ln
	srv     httpx.ServerConfig
	out     *logging.Output
}

// Serve serves h in the background until ctx is done, and reg's /metrics
// on a listener of its own if the settings name one; stop, if not nil,
// runs once the server has stopped (to close upstream connections, say).
func (l *Listener) Serve(ctx context.Context, h http.Handler, reg *metrics.Registry, stop func()) *Running {
	addr := l.ln.Addr().String()
	r := &Running{addr: addr, url: l.srv.Scheme() + "://" + addr, done: make(chan struct{})}
	stopMetrics := func() {}
	if l.metrics != nil {
		r.metricsAddr = l.metrics.Addr().String()
		stopMetrics = httpx.ServeMetrics(l.Log, l.metrics, reg.Handler())
	}
	go func() {
		defer close(r.done)
		err := httpx.Serve(ctx, l.Log, l.srv, l.ln, h)
		stopMetrics()
		if stop != nil {
			stop()
		}
		r.err = Report(l.Log, err)
		l.out.Close() // the last lines, before Wait returns
	}()
	return r
}

// GC settings of a service process (see TuneGC).
const (
	gcPercent   = 300
	memoryLimit = 19 << 20
)

// TuneGC sets the garbage collector of a service's process, unless the
// environment's GOGC or GOMEMLIMIT set it: it collects a third as often as
// by default (GOGC=300), within a soft limit of 19 MiB of memory. A
// service keeps a few MiB live and allocates for every request, so the
// default collects every few MiB, which cost about a tenth of its CPU;
// the limit keeps a service's resident memory near 25 MB under load. A
// service that is to hold thousands of connections needs a higher
// GOMEMLIMIT. It is for main: it sets the whole process.
func TuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// Running is a service that is serving.
type Running struct {
	addr, url   string
	metricsAddr string
	done        chan struct{} // closed when it has stopped
	err         error
}

// Addr is the address the service listens on: with port 0 in its
// settings, the port the kernel chose.
func (r *Running) Addr() string { return r.addr }

// MetricsAddr is the address of the service's metrics listener, or "" if
// /metrics is served on Addr.
func (r *Running) MetricsAddr() string { return r.metricsAddr }

// URL is the service's base URL, such as http://127.0.0.1:5001.
func (r *Running) URL() string { return r.url }

// Wait waits until the service has stopped, and returns why if that was
// not its context ending; the error has been logged.
func (r *Running) Wait() error {
	<-r.done
	return r.err
}

// Wait is what Run does with Start's results: it waits for a started
// service, or returns err when there is none (help, a health check, or a
// start refused).
func Wait(r *Running, err error) error {
	if r == nil {
		return err
	}
	return r.Wait()
}
