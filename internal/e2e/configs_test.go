package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"oauthtime/internal/authserver"
	"oauthtime/internal/oauth"
	"oauthtime/internal/resourceserver"
	"oauthtime/internal/secret"
	"oauthtime/internal/service"
	"oauthtime/internal/webapp"
	"oauthtime/internal/wire"
)

// TestSettingsTemplates: every template in configs/ is a valid settings
// file of its service that changes no secret as it is, so that each works
// copied alone (CI also runs ./run.sh with them all in place); and its
// secret lines, uncommented as the templates say, match clients.json.example.
func TestSettingsTemplates(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "configs")
	secretLines := regexp.MustCompile(`(?m)^#((AUTH_CLIENTS_FILE|WEBAPP_CLIENT_ID|WEBAPP_CLIENT_SECRET|RESOURCE_CLIENT_ID|RESOURCE_CLIENT_SECRET)=)`)
	read := func(name string, vars []service.Var) map[string]string {
		t.Helper()
		raw, err := os.ReadFile(filepath.Join(root, name, name+".env.example"))
		if err != nil {
			t.Fatal(err)
		}
		values, err := service.ParseEnvFile(string(raw), vars)
		if err != nil {
			t.Fatalf("%s template: %v", name, err)
		}
		for k := range values {
			if secretLines.MatchString("#" + k + "=") {
				t.Errorf("%s template sets %s: copied alone, it would not match the others", name, k)
			}
		}
		values, err = service.ParseEnvFile(secretLines.ReplaceAllString(string(raw), "$1"), vars)
		if err != nil {
			t.Fatalf("%s template, its secret lines uncommented: %v", name, err)
		}
		return values
	}
	auth := read("authserver", authserver.Vars())
	web := read("webapp", webapp.Vars())
	res := read("resourceserver", resourceserver.Vars())
	if auth["AUTH_CLIENTS_FILE"] != "clients.json" {
		t.Fatalf("AUTH_CLIENTS_FILE = %q, want clients.json beside the settings file", auth["AUTH_CLIENTS_FILE"])
	}
	f, err := os.Open(filepath.Join(root, "authserver", "clients.json.example"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfgs, err := oauth.ParseClients(f)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := oauth.NewRegistry(cfgs)
	if err != nil {
		t.Fatal(err)
	}
	var webID, resID string
	for _, c := range cfgs {
		if c.ClientID == web["WEBAPP_CLIENT_ID"] {
			webID = c.ClientID
		}
		if c.ClientID == res["RESOURCE_CLIENT_ID"] {
			resID = c.ClientID
		}
	}
	if c, ok := reg.Authenticate(webID, secret.New(web["WEBAPP_CLIENT_SECRET"])); !ok || !c.Allows(wire.GrantPassword) {
		t.Error("the webapp template's client credentials do not match a password-grant client of clients.json.example")
	}
	if c, ok := reg.Authenticate(resID, secret.New(res["RESOURCE_CLIENT_SECRET"])); !ok || !c.Introspect {
		t.Error("the resourceserver template's client credentials do not match an introspecting client of clients.json.example")
	}
}
