package authserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/config"
	"oauthtime/internal/httpx"
	"oauthtime/internal/jwt"
	"oauthtime/internal/oauth"
)

// Run starts the authserver with the command line args and the settings
// getenv gives, logs to stdout, and serves until ctx is done. It returns an
// error, after logging it, if the service cannot start.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return httpx.Program{
		Name:  "authserver",
		About: about,
		Vars:  Vars(),
		Load: func(env *config.Env) (httpx.ServerConfig, httpx.Builder, error) {
			s, err := loadSettings(env)
			return s.server, func(log *slog.Logger) (http.Handler, func(), error) {
				return build(log, s, clock.System{}), nil, nil
			}, err
		},
	}.Run(ctx, args, getenv, stdout)
}

// build wires the service from its settings and warns about defaults.
func build(log *slog.Logger, s settings, clk clock.Clock) http.Handler {
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
		jwt.NewVerifier(s.key, s.issuer, clk),
		oauth.NewLimiter(s.maxFailures, time.Minute, clk),
	)
	return NewServer(log, svc, NewMetadata(s.issuer, s.clients.Scopes()), s.trustedProxies)
}
