package authserver

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"oauthtime/internal/jwt"
	"oauthtime/internal/oauth"
	"oauthtime/internal/service"
)

const about = "The authorization server: issues HS256 JWT access tokens with the resource owner\npassword grant (POST /token) and introspects them (POST /introspect)."

// Vars are the authserver's settings, as README.md's Settings section lists them.
func Vars() []service.Var {
	return append(service.ServerVars("AUTH", ":5001"), []service.Var{
		{Name: "AUTH_ISSUER", Default: "http://localhost:5001", Usage: "iss of every token; base of the metadata URLs"},
		{Name: "AUTH_AUDIENCE", Default: "resourceserver", Usage: "aud of every token"},
		{Name: "AUTH_SIGNING_KEY", Default: "", Usage: "HS256 key, at least 32 bytes; empty: a random key per process (logged as a warning)"},
		{Name: "AUTH_VERIFICATION_KEYS", Default: "", Usage: "further HS256 keys that verify tokens but never sign, space-separated, each at least 32 bytes (for rotating the signing key)"},
		{Name: "AUTH_TOKEN_TTL", Default: "5s", Usage: "token lifetime, a Go duration from 1s to 1h"},
		{Name: "AUTH_CLIENTS_FILE", Default: "", Usage: "JSON file that replaces the built-in client registry", File: true},
		{Name: "AUTH_MAX_AUTH_FAILURES", Default: "10", Usage: "failed client authentications per IP per minute before 429; 0 turns the limit off"},
		{Name: "AUTH_TRUSTED_PROXIES", Default: "", Usage: "comma-separated CIDRs of proxies whose X-Forwarded-For names the caller"},
	}...)
}

// settings is the authserver's configuration, read and checked.
type settings struct {
	server         service.Server
	issuer         string
	audience       string
	key            *jwt.Key
	verifiers      []*jwt.Key // AUTH_VERIFICATION_KEYS
	randomKey      bool
	ttl            time.Duration
	clients        *oauth.Registry
	maxFailures    int
	trustedProxies []netip.Prefix
}

// maxClientsFile bounds the clients file read at start.
const maxClientsFile = 1 << 20

// loadSettings reads the settings; the first invalid one is env.Err().
func loadSettings(env *service.Env) settings {
	s := settings{
		server:      service.LoadServer(env, "AUTH", 10*time.Second),
		issuer:      env.URL("AUTH_ISSUER"),
		audience:    env.String("AUTH_AUDIENCE"),
		ttl:         env.Duration("AUTH_TOKEN_TTL", time.Second, time.Hour),
		maxFailures: env.Int("AUTH_MAX_AUTH_FAILURES", 0, oauth.MaxFailuresLimit),
	}
	proxies, err := parseTrustedProxies(env.String("AUTH_TRUSTED_PROXIES"))
	if err != nil {
		env.Fail("AUTH_TRUSTED_PROXIES", err)
	}
	s.trustedProxies = proxies
	secret := []byte(env.String("AUTH_SIGNING_KEY"))
	if len(secret) == 0 {
		secret = make([]byte, jwt.MinKeySize)
		if _, err := rand.Read(secret); err != nil {
			env.Fail("AUTH_SIGNING_KEY", err)
		}
		s.randomKey = true
	}
	key, err := jwt.NewKey(secret)
	if err != nil {
		env.Fail("AUTH_SIGNING_KEY", fmt.Errorf("%d bytes; at least %d random bytes are needed", len(secret), jwt.MinKeySize))
	}
	s.key = key
	for i, v := range strings.Fields(env.String("AUTH_VERIFICATION_KEYS")) {
		k, err := jwt.NewKey([]byte(v))
		if err != nil {
			env.Fail("AUTH_VERIFICATION_KEYS", fmt.Errorf("key %d: %d bytes; at least %d random bytes are needed", i+1, len(v), jwt.MinKeySize))
			break
		}
		s.verifiers = append(s.verifiers, k)
	}

	clients := oauth.DefaultClients()
	if path := env.String("AUTH_CLIENTS_FILE"); path != "" {
		if clients, err = readClients(path); err != nil {
			env.Fail("AUTH_CLIENTS_FILE", err)
		}
	}
	if s.clients, err = oauth.NewRegistry(clients); err != nil {
		env.Fail("AUTH_CLIENTS_FILE", err)
	}
	return s
}

// readClients reads a clients file of at most maxClientsFile bytes.
func readClients(path string) ([]oauth.ClientConfig, error) {
	raw, err := service.ReadFile(path, maxClientsFile)
	if err != nil {
		return nil, err
	}
	return oauth.ParseClients(bytes.NewReader(raw))
}

// Server says where the authserver listens.
func (s settings) Server() service.Server { return s.server }
