package resourceserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"oauthtime/internal/clock"
	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
	"oauthtime/internal/service"
)

// build wires the resourceserver from its settings, reading the time from
// clk, and returns its handler and its client of the authserver.
func build(log *slog.Logger, s settings, clk clock.Clock) (http.Handler, *metrics.Registry, *httpx.Client, *httpx.Credentials) {
	reg := metrics.NewRegistry()
	client := httpx.NewClient(s.timeout, s.roots, reg.Upstream("authserver"))
	in := newIntrospector(log, client, s.authURL, s.clientID, s.secret)
	return NewServer(log, NewGuard(in, s.audience), NewTime(clk), reg, s.server.MetricsAddr == "", in.creds), reg, client, in.creds
}

// Start is Run in the background: it returns once the resourceserver
// listens, or a nil *service.Running when there is nothing to wait for
// (see webapp.Start).
func Start(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) (*service.Running, error) {
	ln, s, err := service.Listen(ctx, "resourceserver", about, Vars(), loadSettings, args, getenv, stdout)
	if ln == nil {
		return nil, err
	}
	if s.secret.Reveal() == defaultSecret {
		ln.Log.Warn("RESOURCE_CLIENT_SECRET is the default: set it for production")
	}
	h, reg, client, creds := build(ln.Log, s, clock.System{})
	go creds.Watch(ctx)
	return ln.Serve(ctx, h, reg, func() {
		ln.Log.Info("upstream connections", slog.Int64("opened", client.Dials()))
		client.Close()
	}), nil
}

// Run runs the resourceserver with the command line args and the settings
// getenv gives, logging to stdout, until ctx is done.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return service.Wait(Start(ctx, args, getenv, stdout))
}
