package resourceserver

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"oauthtime/internal/clock"
	"oauthtime/internal/config"
	"oauthtime/internal/httpx"
	"oauthtime/internal/resource"
)

// Run starts the resourceserver with the command line args and the
// settings getenv gives, logs to stdout, and serves until ctx is done.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return httpx.Program{
		Name:  "resourceserver",
		About: about,
		Vars:  Vars(),
		Load: func(env *config.Env) (httpx.ServerConfig, httpx.Builder, error) {
			s := loadSettings(env)
			return s.server, func(log *slog.Logger) (http.Handler, func(), error) {
				if s.secret.Reveal() == defaultSecret {
					log.Warn("RESOURCE_CLIENT_SECRET is the default: set it for production")
				}
				client := httpx.NewClient(s.timeout, s.roots)
				guard := resource.NewGuard(newIntrospector(client, s.authURL, s.clientID, s.secret), s.audience)
				stop := func() {
					log.Info("upstream connections", slog.Int64("opened", client.Dials()))
					client.Close()
				}
				return NewServer(log, guard, resource.NewTime(clock.System{})), stop, nil
			}, nil
		},
	}.Run(ctx, args, getenv, stdout)
}
