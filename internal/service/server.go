package service

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"oauthtime/internal/httpx"
)

// maxPEM bounds a certificate, key or CA file.
const maxPEM = 1 << 20

// ServerVars declares the settings every service has: its listen address
// (PREFIX_ADDR, defaulting to addr), its TLS certificate and key, its drain,
// its connection bounds, its metrics address and LOG_LEVEL.
func ServerVars(prefix, addr string) []Var {
	return []Var{
		{Name: prefix + "_ADDR", Default: addr, Usage: "listen address"},
		{Name: prefix + "_TLS_CERT_FILE", Usage: "PEM certificate; with " + prefix + "_TLS_KEY_FILE, serve HTTPS only", File: true},
		{Name: prefix + "_TLS_KEY_FILE", Usage: "PEM private key for " + prefix + "_TLS_CERT_FILE", File: true},
		{Name: prefix + "_DRAIN", Default: "2s", Usage: "on SIGTERM/SIGINT: how long to keep serving, /healthz 503 and keep-alives off, before stopping"},
		{Name: prefix + "_MAX_CONNS", Default: "2048", Usage: "connections open at once; past it the longest idle one is closed, or a new one waits"},
		{Name: prefix + "_MAX_NEW_CONNS_PER_IP", Default: "256", Usage: "connections from one IP address that have sent no complete request; past it the oldest is closed"},
		{Name: prefix + "_METRICS_ADDR", Usage: "if set, serve /metrics on this address only (404 on " + prefix + "_ADDR)"},
		{Name: "LOG_LEVEL", Default: "info", Usage: "debug, info, warn or error"},
	}
}

// Server is where and how a service listens, read from the settings that
// ServerVars declares.
type Server struct {
	httpx.ServerConfig
	// AddrSetting names the listen address's setting (AUTH_ADDR, say), for
	// the error when the address is taken.
	AddrSetting string
	// MetricsAddrSetting names the metrics address's setting.
	MetricsAddrSetting string
}

// LoadServer reads the settings ServerVars declares for prefix, loading the
// TLS certificate if one is set. writeTimeout bounds a whole response (see
// httpx.ServerConfig).
func LoadServer(env *Env, prefix string, writeTimeout time.Duration) Server {
	addrName := prefix + "_ADDR"
	s := Server{
		ServerConfig: httpx.ServerConfig{
			Addr:         env.String(addrName),
			WriteTimeout: writeTimeout,
			Drain:        env.Duration(prefix+"_DRAIN", 0, time.Minute),
			MaxConns:     env.Int(prefix+"_MAX_CONNS", 1, 1_000_000),
			MaxNewPerIP:  env.Int(prefix+"_MAX_NEW_CONNS_PER_IP", 1, 1_000_000),
			MetricsAddr:  env.String(prefix + "_METRICS_ADDR"),
		},
		AddrSetting:        addrName,
		MetricsAddrSetting: prefix + "_METRICS_ADDR",
	}
	if err := checkAddr(s.Addr); err != nil {
		env.Fail(addrName, err)
	}
	if s.MetricsAddr != "" {
		if err := checkAddr(s.MetricsAddr); err != nil {
			env.Fail(s.MetricsAddrSetting, err)
		}
	}
	s.TLS = loadTLS(env, prefix+"_TLS_CERT_FILE", prefix+"_TLS_KEY_FILE")
	return s
}

// checkAddr checks the form of a listen address, host:port.
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return nil
}

// loadTLS reads the certificate and key settings. Neither set is plain
// HTTP: it returns nil.
func loadTLS(env *Env, certName, keyName string) *tls.Config {
	certFile, keyFile := env.String(certName), env.String(keyName)
	switch {
	case certFile == "" && keyFile == "":
		return nil
	case certFile == "":
		env.Fail(certName, errors.New("required when "+keyName+" is set"))
		return nil
	case keyFile == "":
		env.Fail(keyName, errors.New("required when "+certName+" is set"))
		return nil
	}
	certPEM, err := ReadFile(certFile, maxPEM)
	if err != nil {
		env.Fail(certName, err)
		return nil
	}
	keyPEM, err := ReadFile(keyFile, maxPEM)
	if err != nil {
		env.Fail(keyName, err)
		return nil
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		env.Fail(certName, err)
		return nil
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}}
}

// Roots reads the setting name, a PEM file of extra CAs, and returns the
// system's CAs plus those (nil, the system's alone, if it is empty).
func (e *Env) Roots(name string) *x509.CertPool {
	path := e.String(name)
	if path == "" {
		return nil
	}
	pem, err := ReadFile(path, maxPEM)
	if err != nil {
		e.Fail(name, err)
		return nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		e.Fail(name, fmt.Errorf("no PEM certificate in %s", path))
		return nil
	}
	return pool
}
