package webapp

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"oauthtime/internal/config"
	"oauthtime/internal/fetch"
	"oauthtime/internal/httpx"
)

// Run starts the webapp with the command line args and the settings getenv
// gives, logs to stdout, and serves until ctx is done.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	return httpx.Program{
		Name:  "webapp",
		About: about,
		Vars:  Vars(),
		Load: func(env *config.Env) (httpx.ServerConfig, httpx.Builder, error) {
			s := loadSettings(env)
			return s.server, func(log *slog.Logger) (http.Handler, func(), error) {
				if s.secret.Reveal() == defaultClientSecret {
					log.Warn("WEBAPP_CLIENT_SECRET is the default: set it for production")
				}
				if s.owner.Password.Reveal() == defaultPassword {
					log.Warn("WEBAPP_PASSWORD is the default: set it for production")
				}
				// One client per upstream, made once.
				authClient := httpx.NewClient(s.timeout, s.roots)
				resourceClient := httpx.NewClient(s.timeout, s.roots)
				f := fetch.New(
					newTokenClient(authClient, s.authURL, s.clientID, s.secret),
					newResourceClient(resourceClient, s.resourceURL),
				)
				stop := func() {
					log.Info("upstream connections",
						slog.Int64("authserver_opened", authClient.Dials()),
						slog.Int64("resourceserver_opened", resourceClient.Dials()))
					authClient.Close()
					resourceClient.Close()
				}
				return NewServer(log, f, s.owner), stop, nil
			}, nil
		},
	}.Run(ctx, args, getenv, stdout)
}
