package resourceserver

import (
	"crypto/x509"
	"time"

	"oauthtime/internal/secret"
	"oauthtime/internal/service"
)

const about = "The resource server: GET /current_time and GET /epoch_time, each behind a Bearer\ntoken that it has the authserver introspect."

// Vars are the resourceserver's settings, as README.md's Settings section lists them.
func Vars() []service.Var {
	return append(service.ServerVars("RESOURCE", ":5002"), []service.Var{
		{Name: "RESOURCE_AUTH_URL", Default: "http://localhost:5001", Usage: "authserver base URL"},
		{Name: "RESOURCE_CLIENT_ID", Default: "resourceserver", Usage: "client ID at the introspection endpoint"},
		{Name: "RESOURCE_CLIENT_SECRET", Default: defaultSecret, Usage: "client secret at the introspection endpoint"},
		{Name: "RESOURCE_AUDIENCE", Default: "resourceserver", Usage: "the aud a token must carry"},
		{Name: "RESOURCE_UPSTREAM_TIMEOUT", Default: "5s", Usage: "bound on one introspection call"},
		{Name: "RESOURCE_CA_FILE", Default: "", Usage: "extra PEM roots trusted for an https:// RESOURCE_AUTH_URL", File: true},
	}...)
}

const defaultSecret = "resourceserver-secret"

type settings struct {
	server   service.Server
	authURL  string
	clientID string
	secret   secret.String
	audience string
	timeout  time.Duration
	roots    *x509.CertPool
}

func loadSettings(env *service.Env) settings {
	timeout := env.Duration("RESOURCE_UPSTREAM_TIMEOUT", 10*time.Millisecond, time.Minute)
	return settings{
		// One upstream call, bounded by timeout, and the answer.
		server:   service.LoadServer(env, "RESOURCE", timeout+5*time.Second),
		authURL:  env.URL("RESOURCE_AUTH_URL"),
		clientID: env.String("RESOURCE_CLIENT_ID"),
		secret:   secret.New(env.String("RESOURCE_CLIENT_SECRET")),
		audience: env.String("RESOURCE_AUDIENCE"),
		timeout:  timeout,
		roots:    env.Roots("RESOURCE_CA_FILE"),
	}
}

// Server says where the resourceserver listens.
func (s settings) Server() service.Server { return s.server }
