package authserver

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"time"

	"oauthtime/internal/config"
	"oauthtime/internal/httpx"
	"oauthtime/internal/jwt"
	"oauthtime/internal/oauth"
)

const about = "The authorization server: issues HS256 JWT access tokens with the resource owner\npassword grant (POST /token) and introspects them (POST /introspect)."

// Vars are the authserver's settings, as the contract lists them.
func Vars() []config.Var {
	return []config.Var{
		{Name: "AUTH_ADDR", Default: ":5001", Usage: "listen address"},
		{Name: "AUTH_ISSUER", Default: "http://localhost:5001", Usage: "iss of every token; base of the metadata URLs"},
		{Name: "AUTH_AUDIENCE", Default: "resourceserver", Usage: "aud of every token"},
		{Name: "AUTH_SIGNING_KEY", Default: "", Usage: "HS256 key, at least 32 bytes; empty: a random key per process (logged as a warning)"},
		{Name: "AUTH_TOKEN_TTL", Default: "5s", Usage: "token lifetime, a Go duration from 1s to 1h"},
		{Name: "AUTH_CLIENTS_FILE", Default: "", Usage: "JSON file that replaces the built-in client registry"},
		{Name: "AUTH_MAX_AUTH_FAILURES", Default: "10", Usage: "failed client authentications per IP per minute before 429; 0 turns the limit off"},
		{Name: "AUTH_TLS_CERT_FILE", Default: "", Usage: "PEM certificate; with AUTH_TLS_KEY_FILE, serve HTTPS only"},
		{Name: "AUTH_TLS_KEY_FILE", Default: "", Usage: "PEM private key for AUTH_TLS_CERT_FILE"},
		{Name: "LOG_LEVEL", Default: "info", Usage: "debug, info, warn or error"},
	}
}

// settings is the authserver's configuration, read and checked.
type settings struct {
	server      httpx.ServerConfig
	issuer      string
	audience    string
	key         []byte
	randomKey   bool
	ttl         time.Duration
	clients     []oauth.ClientConfig
	clientsFile bool
	maxFailures int
}

// maxClientsFile bounds the clients file read at start.
const maxClientsFile = 1 << 20

func loadSettings(env *config.Env) (settings, error) {
	s := settings{
		server: httpx.ServerConfig{
			Prefix:       "AUTH",
			Addr:         env.String("AUTH_ADDR"),
			CertFile:     env.String("AUTH_TLS_CERT_FILE"),
			KeyFile:      env.String("AUTH_TLS_KEY_FILE"),
			WriteTimeout: 10 * time.Second,
		},
		issuer:      env.URL("AUTH_ISSUER"),
		audience:    env.String("AUTH_AUDIENCE"),
		ttl:         env.Duration("AUTH_TOKEN_TTL", time.Second, time.Hour),
		maxFailures: env.Int("AUTH_MAX_AUTH_FAILURES", 0, 1_000_000),
	}
	if key := env.String("AUTH_SIGNING_KEY"); key != "" {
		if len(key) < jwt.MinKeySize {
			env.Fail("AUTH_SIGNING_KEY", fmt.Errorf("%d bytes; at least %d random bytes are needed", len(key), jwt.MinKeySize))
		}
		s.key = []byte(key)
	} else {
		s.key = make([]byte, jwt.MinKeySize)
		if _, err := rand.Read(s.key); err != nil {
			env.Fail("AUTH_SIGNING_KEY", err)
		}
		s.randomKey = true
	}
	s.clients = oauth.DefaultClients()
	if path := env.String("AUTH_CLIENTS_FILE"); path != "" {
		s.clientsFile = true
		cs, err := readClients(path)
		if err != nil {
			env.Fail("AUTH_CLIENTS_FILE", err)
		}
		s.clients = cs
	}
	return s, env.Err()
}

func readClients(path string) ([]oauth.ClientConfig, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(raw) > maxClientsFile {
		return nil, errors.New("file over 1 MiB")
	}
	cs, err := oauth.ParseClients(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	// Check it here too, so that a bad registry is named as this setting.
	if _, err := oauth.NewRegistry(cs); err != nil {
		return nil, err
	}
	return cs, nil
}
