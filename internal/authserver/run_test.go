package authserver

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"oauthtime/internal/servicetest"
)

// TestRunInvalidSettings is acceptance point 7: each invalid setting stops
// the start with an error and one log line naming it.
func TestRunInvalidSettings(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() }) // after the parallel subtests, not before
	tests := []struct {
		setting string
		env     map[string]string
	}{
		{"AUTH_SIGNING_KEY", map[string]string{"AUTH_SIGNING_KEY": "too-short"}},
		{"AUTH_VERIFICATION_KEYS", map[string]string{"AUTH_VERIFICATION_KEYS": "0123456789abcdef0123456789abcdef too-short"}},
		{"AUTH_TOKEN_TTL", map[string]string{"AUTH_TOKEN_TTL": "five"}},
		{"AUTH_TOKEN_TTL", map[string]string{"AUTH_TOKEN_TTL": "500ms"}},
		{"AUTH_TOKEN_TTL", map[string]string{"AUTH_TOKEN_TTL": "2h"}},
		{"AUTH_ISSUER", map[string]string{"AUTH_ISSUER": "localhost:5001"}},
		{"AUTH_CLIENTS_FILE", map[string]string{"AUTH_CLIENTS_FILE": "testdata/missing.json"}},
		{"AUTH_CLIENTS_FILE", map[string]string{"AUTH_CLIENTS_FILE": "testdata/clients-malformed.json"}},
		{"AUTH_CLIENTS_FILE", map[string]string{"AUTH_CLIENTS_FILE": "testdata/clients-unknown-field.json"}},
		{"AUTH_MAX_AUTH_FAILURES", map[string]string{"AUTH_MAX_AUTH_FAILURES": "-1"}},
		{"AUTH_MAX_AUTH_FAILURES", map[string]string{"AUTH_MAX_AUTH_FAILURES": "many"}},
		{"AUTH_ADDR", map[string]string{"AUTH_ADDR": busy.Addr().String()}},
		{"AUTH_ADDR", map[string]string{"AUTH_ADDR": "not an address"}},
		{"AUTH_TLS_KEY_FILE", map[string]string{"AUTH_TLS_CERT_FILE": "testdata/cert.pem"}},
		{"AUTH_TLS_CERT_FILE", map[string]string{"AUTH_TLS_CERT_FILE": "testdata/missing.pem", "AUTH_TLS_KEY_FILE": "testdata/missing.pem"}},
		{"AUTH_TRUSTED_PROXIES", map[string]string{"AUTH_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"}},
		{"LOG_LEVEL", map[string]string{"LOG_LEVEL": "loud"}},
	}
	for _, tt := range tests {
		t.Run(tt.setting+"="+firstValue(tt.env), func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"AUTH_ADDR": "127.0.0.1:0"}
			for k, v := range tt.env {
				env[k] = v
			}
			servicetest.StartFails(t, Run, "authserver", env, tt.setting)
		})
	}
}

func firstValue(m map[string]string) string {
	for _, v := range m {
		return v
	}
	return ""
}

// TestRunDefaults starts the service as `go run ./authserver` would, on a
// loopback port, and checks the warnings and a token request.
func TestRunDefaults(t *testing.T) {
	t.Parallel()
	s := servicetest.Start(t, "authserver", Start, map[string]string{"AUTH_ADDR": "127.0.0.1:0"})
	warnings := map[string]bool{}
	for _, l := range s.Logs.Lines(t) {
		if l["level"] == "WARN" {
			warnings[l["msg"].(string)] = true
		}
	}
	if len(warnings) != 2 {
		t.Errorf("want a warning for the random key and one for default secrets, got %v", warnings)
	}
	form := url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"x"}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("1234", "qwerty")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || body["token_type"] != "Bearer" {
		t.Fatalf("token response %d %v %v", resp.StatusCode, body, err)
	}
}

// TestRunConfigured: with a key and a clients file, nothing is a default
// and no warning is logged; the clients file's credentials work.
func TestRunConfigured(t *testing.T) {
	t.Parallel()
	s := servicetest.Start(t, "authserver", Start, map[string]string{
		"AUTH_ADDR":         "127.0.0.1:0",
		"AUTH_SIGNING_KEY":  testKey,
		"AUTH_CLIENTS_FILE": "testdata/clients.json",
		"AUTH_TOKEN_TTL":    "30s",
	})
	if strings.Contains(s.Logs.String(), `"WARN"`) {
		t.Errorf("warnings with everything configured:\n%s", s.Logs)
	}
	form := url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"x"}}
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+basicRFC6749("we:ird%id +1", "s3:cr%t+ value"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || body["expires_in"] != float64(30) || body["scope"] != "current_time" {
		t.Fatalf("token response %d %v %v", resp.StatusCode, body, err)
	}
}

func TestRunHelp(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"authserver", "-h"}, func(string) string { return "" }, &out); err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars() {
		if !strings.Contains(out.String(), v.Name) {
			t.Errorf("-h does not list %s", v.Name)
		}
	}
}

// TestRunStartErrors: an address that is malformed or taken stops the
// start before any warning about the settings, and a taken one is said to
// be so, not called invalid.
func TestRunStartErrors(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for addr, msg := range map[string]string{":99999": "invalid setting", busy.Addr().String(): "cannot start"} {
		var out bytes.Buffer
		if err := Run(context.Background(), []string{"authserver"}, func(k string) string {
			return map[string]string{"AUTH_ADDR": addr}[k]
		}, &out); err == nil {
			t.Fatalf("%s: started", addr)
		}
		lines := servicetest.ParseLines(t, out.String())
		if len(lines) != 1 || lines[0]["msg"] != msg || lines[0]["setting"] != "AUTH_ADDR" {
			t.Errorf("%s: logged %s, want one line %q naming AUTH_ADDR", addr, out.String(), msg)
		}
	}
}

// TestRunWarnsOfEnvironmentOverrides: a setting in the settings file that
// the environment overrides is named in a warning, not dropped silently.
func TestRunWarnsOfEnvironmentOverrides(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "authserver.env")
	if err := os.WriteFile(file, []byte("AUTH_ISSUER=http://from-file:5001\nAUTH_TOKEN_TTL=7s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AUTH_ADDR": "127.0.0.1:0", "AUTH_DRAIN": "0s", "AUTH_ISSUER": "http://from-env:5001"}
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // start, then stop at once
	if err := Run(ctx, []string{"authserver", "-env-file", file}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatal(err)
	}
	var warned []any
	for _, l := range servicetest.ParseLines(t, out.String()) {
		if l["msg"] == "the environment overrides the settings file" {
			warned = append(warned, l["setting"])
		}
	}
	if len(warned) != 1 || warned[0] != "AUTH_ISSUER" {
		t.Fatalf("override warnings for %v, want AUTH_ISSUER only\n%s", warned, out.String())
	}
}
