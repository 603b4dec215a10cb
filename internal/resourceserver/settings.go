package resourceserver

import (
	"crypto/x509"
	"time"

	"oauthtime/internal/config"
	"oauthtime/internal/httpx"
	"oauthtime/internal/secret"
)

const about = "The resource server: GET /current_time and GET /epoch_time, each behind a Bearer\ntoken that it has the authserver introspect."

// Vars are the resourceserver's settings, as the contract lists them.
func Vars() []config.Var {
	return []config.Var{
		{Name: "RESOURCE_ADDR", Default: ":5002", Usage: "listen address"},
		{Name: "RESOURCE_AUTH_URL", Default: "http://localhost:5001", Usage: "authserver base URL"},
		{Name: "RESOURCE_CLIENT_ID", Default: "resourceserver", Usage: "client ID at the introspection endpoint"},
		{Name: "RESOURCE_CLIENT_SECRET", Default: defaultSecret, Usage: "client secret at the introspection endpoint"},
		{Name: "RESOURCE_AUDIENCE", Default: "resourceserver", Usage: "the aud a token must carry"},
		{Name: "RESOURCE_UPSTREAM_TIMEOUT", Default: "5s", Usage: "bound on one introspection call"},
		{Name: "RESOURCE_TLS_CERT_FILE", Default: "", Usage: "PEM certificate; with RESOURCE_TLS_KEY_FILE, serve HTTPS only"},
		{Name: "RESOURCE_TLS_KEY_FILE", Default: "", Usage: "PEM private key for RESOURCE_TLS_CERT_FILE"},
		{Name: "RESOURCE_CA_FILE", Default: "", Usage: "extra PEM roots trusted for an https:// RESOURCE_AUTH_URL"},
		{Name: "LOG_LEVEL", Default: "info", Usage: "debug, info, warn or error"},
	}
}

const defaultSecret = "resourceserver-secret"

type settings struct {
	server   httpx.ServerConfig
	authURL  string
	clientID string
	secret   secret.String
	audience string
	timeout  time.Duration
	roots    *x509.CertPool
}

func loadSettings(env *config.Env) settings {
	timeout := env.Duration("RESOURCE_UPSTREAM_TIMEOUT", 10*time.Millisecond, time.Minute)
	return settings{
		server: httpx.ServerConfig{
			Prefix:       "RESOURCE",
			Addr:         env.String("RESOURCE_ADDR"),
			CertFile:     env.String("RESOURCE_TLS_CERT_FILE"),
			KeyFile:      env.String("RESOURCE_TLS_KEY_FILE"),
			WriteTimeout: timeout + 5*time.Second,
		},
		authURL:  env.URL("RESOURCE_AUTH_URL"),
		clientID: env.String("RESOURCE_CLIENT_ID"),
		secret:   secret.New(env.String("RESOURCE_CLIENT_SECRET")),
		audience: env.String("RESOURCE_AUDIENCE"),
		timeout:  timeout,
		roots:    httpx.Roots(env, "RESOURCE_CA_FILE"),
	}
}
