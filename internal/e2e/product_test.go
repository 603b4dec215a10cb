package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"oauthtime/internal/authserver"
	"oauthtime/internal/resourceserver"
	"oauthtime/internal/service"
	"oauthtime/internal/servicetest"
	"oauthtime/internal/webapp"
)

// introspect asks authURL about tok as the resourceserver client.
func introspect(t *testing.T, client *http.Client, authURL, tok string) map[string]any {
	t.Helper()
	status, _, body := call(t, client, http.MethodPost, authURL+"/introspect", map[string]string{
		"Content-Type":  "application/x-www-form-urlencoded",
		"Authorization": "Basic cmVzb3VyY2VzZXJ2ZXI6cmVzb3VyY2VzZXJ2ZXItc2VjcmV0", // resourceserver:resourceserver-secret
	}, url.Values{"token": {tok}}.Encode())
	var m map[string]any
	if status != 200 || json.Unmarshal([]byte(body), &m) != nil {
		t.Fatalf("introspect: %d %s", status, body)
	}
	return m
}

// TestReplicasShareAKey: authservers with one AUTH_SIGNING_KEY accept each
// other's tokens; with different keys they do not.
func TestReplicasShareAKey(t *testing.T) {
	t.Parallel()
	client := newClient(t)
	a := startAuth(t, nil)
	b := startAuth(t, nil) // same signingKey
	c := startAuth(t, map[string]string{"AUTH_SIGNING_KEY": "another-key-0123456789abcdefghijk"})
	tok := token(t, client, a.URL, "current_time")
	if got := introspect(t, client, b.URL, tok); got["active"] != true || got["sub"] != "carol" {
		t.Errorf("replica with the same key: %v", got)
	}
	if got := introspect(t, client, c.URL, tok); len(got) != 1 || got["active"] != false {
		t.Errorf("server with another key: %v", got)
	}
	// Without AUTH_SIGNING_KEY each process has its own random key.
	d, e := startAuth(t, map[string]string{"AUTH_SIGNING_KEY": ""}), startAuth(t, map[string]string{"AUTH_SIGNING_KEY": ""})
	if got := introspect(t, client, e.URL, token(t, client, d.URL, "epoch_time")); got["active"] != false {
		t.Errorf("two random-key servers accept each other's tokens: %v", got)
	}
}

// TestHelpListsEverySetting: -h shows every setting README.md lists, with
// its default, for each service.
func TestHelpListsEverySetting(t *testing.T) {
	t.Parallel()
	for _, svc := range []struct {
		name string
		run  servicetest.RunFunc
		vars []service.Var
	}{
		{"authserver", authserver.Run, authserver.Vars()},
		{"resourceserver", resourceserver.Run, resourceserver.Vars()},
		{"webapp", webapp.Run, webapp.Vars()},
	} {
		var out bytes.Buffer
		if err := svc.run(context.Background(), []string{svc.name, "-h"}, func(string) string { return "" }, &out); err != nil {
			t.Fatalf("%s -h: %v", svc.name, err)
		}
		for _, v := range svc.vars {
			line := ""
			for _, l := range strings.Split(out.String(), "\n") {
				if strings.HasPrefix(strings.TrimSpace(l), v.Name+" ") {
					line = l
				}
			}
			def := v.Default
			if def == "" {
				def = "(empty)"
			}
			if line == "" || !strings.Contains(line, def) {
				t.Errorf("%s -h: no line for %s with default %q:\n%s", svc.name, v.Name, def, out.String())
			}
		}
	}
}

// pki is a throwaway CA and a certificate for 127.0.0.1 and localhost.
type pki struct {
	caFile, certFile, keyFile string
	pool                      *x509.CertPool
}

func newPKI(t *testing.T) pki {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "oauthtime test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	p := pki{caFile: filepath.Join(dir, "ca.pem"), certFile: filepath.Join(dir, "cert.pem"), keyFile: filepath.Join(dir, "key.pem"), pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	for path, block := range map[string]*pem.Block{
		p.caFile:   {Type: "CERTIFICATE", Bytes: caDER},
		p.certFile: {Type: "CERTIFICATE", Bytes: leafDER},
		p.keyFile:  {Type: "PRIVATE KEY", Bytes: keyDER},
	} {
		if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// TestTLS runs the whole flow over HTTPS with a CA made for the test, and
// checks that plain HTTP and an untrusted CA both fail.
func TestTLS(t *testing.T) {
	t.Parallel()
	p := newPKI(t)
	auth := startAuth(t, map[string]string{"AUTH_TLS_CERT_FILE": p.certFile, "AUTH_TLS_KEY_FILE": p.keyFile})
	res := startResource(t, auth.URL, map[string]string{
		"RESOURCE_TLS_CERT_FILE": p.certFile, "RESOURCE_TLS_KEY_FILE": p.keyFile, "RESOURCE_CA_FILE": p.caFile,
	})
	web := startWeb(t, auth.URL, res.URL, map[string]string{
		"WEBAPP_TLS_CERT_FILE": p.certFile, "WEBAPP_TLS_KEY_FILE": p.keyFile, "WEBAPP_CA_FILE": p.caFile,
	})
	for _, s := range []*servicetest.Service{auth, res, web} {
		if !strings.HasPrefix(s.URL, "https://") {
			t.Fatalf("%s is not HTTPS", s.URL)
		}
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.pool, MinVersion: tls.VersionTLS12}}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	if status, _, body := call(t, client, "GET", web.URL+"/current_time", nil, ""); status != 200 || !rfc3339Line.MatchString(body) {
		t.Fatalf("flow over HTTPS: %d %q", status, body)
	}
	if status, _, body := call(t, client, "GET", web.URL+"/epoch_time", nil, ""); status != 200 || !epochLine.MatchString(body) {
		t.Fatalf("flow over HTTPS: %d %q", status, body)
	}

	// Plain HTTP to a TLS port gets no answer from the service.
	plain := newClient(t)
	for _, s := range []*servicetest.Service{auth, res, web} {
		resp, err := plain.Get("http://" + s.Addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				t.Errorf("plain HTTP to %s answered 200", s.Addr)
			}
		}
	}

	// A webapp that does not trust the CA cannot reach the upstreams.
	untrusting := startWeb(t, auth.URL, res.URL, nil)
	if status, _, body := call(t, newClient(t), "GET", untrusting.URL+"/current_time", nil, ""); status != 503 && status != 502 {
		t.Errorf("webapp without the CA: %d %s", status, body)
	}
}
