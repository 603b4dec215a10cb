package webapp

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
	"oauthtime/internal/service"
)

// build wires the webapp from its settings, and returns its handler and
// what to run once it has stopped.
func build(log *slog.Logger, s settings) (http.Handler, *metrics.Registry, *httpx.Credentials, func()) {
	if s.secret.Reveal() == defaultClientSecret {
		log.Warn("WEBAPP_CLIENT_SECRET is the default: set it for production")
	}
	if s.owner.Password.Reveal() == defaultPassword {
		log.Warn("WEBAPP_PASSWORD is the default: set it for production")
	}
	// One client per upstream, made once.
	reg := metrics.NewRegistry()
	authClient := httpx.NewClient(s.timeout, s.roots, reg.Upstream("authserver"))
	resourceClient := httpx.NewClient(s.timeout, s.roots, reg.Upstream("resourceserver"))
	tokens := newTokenClient(log, authClient, s.authURL, s.clientID, s.secret)
	f := NewFetcher(tokens, newResourceClient(resourceClient, s.resourceURL))
	stop := func() {
		log.Info("upstream connections",
			slog.Int64("authserver_opened", authClient.Dials()),
			slog.Int64("resourceserver_opened", resourceClient.Dials()))
		authClient.Close()
		resourceClient.Close()
	}
	return NewServer(log, f, s.owner, reg, s.server.MetricsAddr == "", tokens.creds), reg, tokens.creds, stop
}

// Start is Run in the background: it returns once the webapp listens. A
// nil *service.Running means there is nothing to wait for: help was asked
// for, a health check was answered, or the start was refused (err says
// why, and has been logged).
func Start(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) (*service.Running, error) {
	ln, s, err := service.Listen(ctx, "webapp", about, Vars(), loadSettings, args, getenv, stdout)
	if ln == nil {
		return nil, err
	}
	h, reg, creds, stop := build(ln.Log, s)
	go creds.Watch(ctx)
	return ln.Serve(ctx, h, reg, stop), nil
}

// Run runs the webapp with the command line args and the settings getenv
// gives, logging to stdout, until ctx is done.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return service.Wait(Start(ctx, args, getenv, stdout))
}
