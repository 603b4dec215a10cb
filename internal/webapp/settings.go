package webapp

import (
	"crypto/x509"
	"time"

	"oauthtime/internal/secret"
	"oauthtime/internal/service"
)

const about = "The webapp: GET /current_time and GET /epoch_time get a fresh access token for\nthe call from the authserver, call the resourceserver with it, and print the answer."

// Vars are the webapp's settings, as README.md's Settings section lists them.
func Vars() []service.Var {
	return append(service.ServerVars("WEBAPP", ":5003"), []service.Var{
		{Name: "WEBAPP_AUTH_URL", Default: "http://localhost:5001", Usage: "authserver base URL"},
		{Name: "WEBAPP_RESOURCE_URL", Default: "http://localhost:5002", Usage: "resourceserver base URL"},
		{Name: "WEBAPP_CLIENT_ID", Default: "1234", Usage: "the webapp's client ID"},
		{Name: "WEBAPP_CLIENT_SECRET", Default: defaultClientSecret, Usage: "the webapp's client secret"},
		{Name: "WEBAPP_USERNAME", Default: "bob", Usage: "resource owner used when the caller sends no credentials"},
		{Name: "WEBAPP_PASSWORD", Default: defaultPassword, Usage: "that resource owner's password"},
		{Name: "WEBAPP_UPSTREAM_TIMEOUT", Default: "5s", Usage: "bound on each upstream call"},
		{Name: "WEBAPP_CA_FILE", Default: "", Usage: "extra PEM roots trusted for https:// upstream URLs", File: true},
	}...)
}

const (
	defaultClientSecret = "qwerty"
	defaultPassword     = "bob-pass"
)

type settings struct {
	server      service.Server
	authURL     string
	resourceURL string
	clientID    string
	secret      secret.String
	owner       Owner
	timeout     time.Duration
	roots       *x509.CertPool
}

func loadSettings(env *service.Env) settings {
	timeout := env.Duration("WEBAPP_UPSTREAM_TIMEOUT", 10*time.Millisecond, time.Minute)
	return settings{
		// Two upstream calls, each bounded by timeout, and the answer.
		server:      service.LoadServer(env, "WEBAPP", 2*timeout+5*time.Second),
		authURL:     env.URL("WEBAPP_AUTH_URL"),
		resourceURL: env.URL("WEBAPP_RESOURCE_URL"),
		clientID:    env.String("WEBAPP_CLIENT_ID"),
		secret:      secret.New(env.String("WEBAPP_CLIENT_SECRET")),
		owner:       Owner{Username: env.String("WEBAPP_USERNAME"), Password: secret.New(env.String("WEBAPP_PASSWORD"))},
		timeout:     timeout,
		roots:       env.Roots("WEBAPP_CA_FILE"),
	}
}

// Server says where the webapp listens.
func (s settings) Server() service.Server { return s.server }
