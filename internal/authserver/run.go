package authserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/jwt"
	"oauthtime/internal/metrics"
	"oauthtime/internal/oauth"
	"oauthtime/internal/service"
)

// build wires the service from its settings and warns about defaults.
func build(log *slog.Logger, s settings, clk clock.Clock) (http.Handler, *metrics.Registry) {
	if s.randomKey {
		log.Warn("AUTH_SIGNING_KEY is empty: signing with a random key; tokens die with this process and no other replica accepts them")
	}
	var defaults []string
	for _, c := range oauth.DefaultClients() {
		if s.clients.Uses(c.ClientID, c.ClientSecret) {
			defaults = append(defaults, c.ClientID)
		}
	}
	if len(defaults) > 0 {
		log.Warn("default client secrets in use: set AUTH_CLIENTS_FILE for production", slog.Any("client_ids", defaults))
	}
	svc := oauth.NewService(s.clients,
		jwt.NewIssuer(s.key, s.issuer, s.audience, s.ttl, clk),
		jwt.NewVerifier(s.key, s.issuer, clk, s.verifiers...),
		oauth.NewLimiter(s.maxFailures, time.Minute, clk),
	)
	reg := metrics.NewRegistry()
	return NewServer(log, svc, NewMetadata(s.issuer, s.clients.Scopes()), s.trustedProxies, reg, s.server.MetricsAddr == ""), reg
}

// Start is Run in the background: it returns once the authserver listens,
// or a nil *service.Running when there is nothing to wait for (see
// webapp.Start).
func Start(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) (*service.Running, error) {
	ln, s, err := service.Listen(ctx, "authserver", about, Vars(), loadSettings, args, getenv, stdout)
	if ln == nil {
		return nil, err
	}
	h, reg := build(ln.Log, s, clock.System{})
	return ln.Serve(ctx, h, reg, nil), nil
}

// Run runs the authserver with the command line args and the settings
// getenv gives, logging to stdout, until ctx is done.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return service.Wait(Start(ctx, args, getenv, stdout))
}
