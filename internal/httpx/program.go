package httpx

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"oauthtime/internal/config"
	"oauthtime/internal/logging"
)

// Program is what every service's Run does, in order: read the command
// line, set up logging, read and check the settings, then either answer a
// health check or build the handler and serve until the context is done.
type Program struct {
	Name  string
	About string
	Vars  []config.Var
	// Load reads the settings. It returns where to listen and a function
	// that builds the service; Load itself must not start anything.
	Load func(env *config.Env) (ServerConfig, Builder, error)
}

// Builder builds a service's handler. stop, if not nil, runs once the
// server has stopped (to close upstream connections, say).
type Builder func(log *slog.Logger) (h http.Handler, stop func(), err error)

// Run runs the program. It logs, as one line naming the setting, why the
// service could not start, and returns that error.
func (p Program) Run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	flags, err := config.ParseArgs(args, stdout, p.Name, p.About, p.Vars)
	if errors.Is(err, config.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	var fileValues map[string]string
	fileFound, fileErr := false, error(nil)
	getenvOuter := getenv
	if flags.EnvFile != "" {
		fileValues, fileFound, fileErr = config.ReadEnvFile(flags.EnvFile, p.Vars)
		getenv = config.WithFile(getenv, fileValues)
	}
	env := config.NewEnv(getenv, p.Vars)
	log := logging.New(stdout, p.Name, env.Level("LOG_LEVEL"))
	switch {
	case fileErr != nil:
		return config.Report(log, &config.Error{Setting: "-env-file", Err: fileErr})
	case flags.EnvFile != "" && !fileFound:
		log.Info("no settings file, using the environment alone", slog.String("env_file", flags.EnvFile))
	case fileFound:
		log.Info("settings file read", slog.String("env_file", flags.EnvFile), slog.Int("settings", len(fileValues)))
	}
	srv, build, err := p.Load(env)
	if err == nil {
		err = env.Err()
	}
	if err != nil {
		return config.Report(log, err)
	}
	if flags.HealthCheck {
		return config.Report(log, CheckHealth(ctx, srv))
	}
	// Listen before building, so that an address in use stops the start
	// before any warning about the settings is logged.
	ln, err := Listen(srv)
	if err != nil {
		return config.Report(log, err)
	}
	for name := range fileValues {
		if getenvOuter(name) != "" {
			log.Warn("the environment overrides the settings file", slog.String("setting", name), slog.String("env_file", flags.EnvFile))
		}
	}
	h, stop, err := build(log)
	if err != nil {
		ln.Close()
		return config.Report(log, err)
	}
	if stop != nil {
		defer stop()
	}
	return config.Report(log, Serve(ctx, log, srv, ln, h))
}
