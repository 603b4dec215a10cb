package oauth

import (
	"encoding/base64"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

func basic(raw string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(raw)) }

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		authorization string
		form          Form
		wantID        string
		wantSecret    string
		wantCode      string
	}{
		{"6749-02 Basic", basic("1234:qwerty"), nil, "1234", "qwerty", ""},
		{"Basic scheme case-insensitive", "bAsIc " + base64.StdEncoding.EncodeToString([]byte("1234:qwerty")), nil, "1234", "qwerty", ""},
		{"6749-03 Basic form-decoded", basic("a%3Ab%25c:%2B+x%20y"), nil, "a:b%c", "+ x y", ""},
		{"Basic secret with colon", basic("id:se:cret"), nil, "id", "se:cret", ""},
		{"Basic plus client_id in the body", basic("1234:qwerty"), Form{"client_id": "1234"}, "1234", "qwerty", ""},
		{"6749-04 body credentials", "", Form{"client_id": "1234", "client_secret": "qwerty"}, "1234", "qwerty", ""},
		{"nothing", "", Form{}, "", "", ""},
		{"6749-01 both methods", basic("1234:qwerty"), Form{"client_secret": "qwerty"}, "", "", wire.CodeInvalidRequest},
		{"Basic and another body client_id", basic("1234:qwerty"), Form{"client_id": "5678"}, "", "", wire.CodeInvalidRequest},
		{"bad %-encoding", basic("12%zz:qwerty"), nil, "", "", wire.CodeInvalidRequest},
		{"bad %-encoding in secret", basic("1234:qw%"), nil, "", "", wire.CodeInvalidRequest},
		{"bad base64", "Basic !!!", nil, "", "", wire.CodeInvalidRequest},
		{"no colon", basic("1234qwerty"), nil, "", "", wire.CodeInvalidRequest},
		{"no payload", "Basic", nil, "", "", wire.CodeInvalidRequest},
		{"empty id", basic(":qwerty"), nil, "", "", wire.CodeInvalidClient},
		{"Bearer scheme", "Bearer abc", nil, "", "", wire.CodeInvalidClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ClientCredentials(tt.authorization, tt.form)
			if tt.wantCode != "" {
				if !isCode(err, tt.wantCode) {
					t.Fatalf("error = %v, want %s", err, tt.wantCode)
				}
				return
			}
			if err != nil || c.ID != tt.wantID || c.Secret.Reveal() != tt.wantSecret {
				t.Fatalf("got %q/%q, %v; want %q/%q", c.ID, c.Secret.Reveal(), err, tt.wantID, tt.wantSecret)
			}
		})
	}
}

// TestBasicInterop is acceptance point 5: credentials with ':', '%', '+'
// and a space, registered through a clients file, authenticate with a Basic
// header built as RFC 6749 §2.3.1 says.
func TestBasicInterop(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/clients-special.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfgs, err := ParseClients(f)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := NewRegistry(cfgs)
	if err != nil {
		t.Fatal(err)
	}
	const id, sec = "we:ird%id +1", "s3:cr%t+ value"
	header := wire.BasicAuthorization(id, sec)
	c, err := ClientCredentials(header, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := reg.Authenticate(c.ID, c.Secret); !ok {
		t.Fatalf("header %s did not authenticate %q", header, id)
	}
	// Without the form-encoding step the same pair is misread.
	naive := basic(id + ":" + sec)
	if c, err := ClientCredentials(naive, nil); err == nil {
		if _, ok := reg.Authenticate(c.ID, c.Secret); ok {
			t.Fatal("a header without form-encoding authenticated: decoding is not per RFC 6749 §2.3.1")
		}
	}
}

func TestParseForm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       Form
		wantErr    bool
	}{
		{"simple", "grant_type=password&username=bob", Form{"grant_type": "password", "username": "bob"}, false},
		{"6749-10 empty value omitted", "scope=&username=bob", Form{"username": "bob"}, false},
		{"6749-11 unknown kept, not rejected", "foo=bar", Form{"foo": "bar"}, false},
		{"plus and percent", "username=a+b%2Bc", Form{"username": "a b+c"}, false},
		{"6749-12 repeated", "grant_type=password&grant_type=password", nil, true},
		{"repeated with one empty", "scope=&scope=x", Form{"scope": "x"}, false},
		{"bad %-encoding", "username=%zz", nil, true},
		{"semicolon", "a=1;b=2", nil, true},
		{"empty body", "", Form{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseForm(tt.body)
			if tt.wantErr {
				if !isCode(err, wire.CodeInvalidRequest) {
					t.Fatalf("error = %v, want invalid_request", err)
				}
				return
			}
			if err != nil || len(got) != len(tt.want) {
				t.Fatalf("ParseForm = %v, %v; want %v", got, err, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestParseClients(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file string
		wantErr    string
	}{
		{"valid", `[{"client_id":"a","client_secret":"b","grant_types":["password"],"scope":"x y"}]`, ""},
		{"unknown field", `[{"client_id":"a","client_secret":"b","secret":"c"}]`, "unknown field"},
		{"not an array", `{"client_id":"a"}`, "cannot unmarshal"},
		{"null", `null`, "not an array"},
		{"trailing data", `[] []`, "after the array"},
		{"malformed", `[{"client_id":`, "unexpected EOF"},
		{"repeated name", `[{"client_id":"a","client_secret":"b","client_secret":"c"}]`, "given twice"},
		{"name in another case", `[{"client_id":"a","Client_Secret":"b"}]`, "unknown field"},
		{"repeated name in the second client", `[{"client_id":"a","client_secret":"b"},{"client_id":"c","client_id":"d","client_secret":"e"}]`, "given twice"},
		{"nested values are not names", `[{"client_id":"a","client_secret":"b","grant_types":["password"],"scope":"client_id","introspect":false}]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseClients(strings.NewReader(tt.file))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("ParseClients error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewRegistryRejects(t *testing.T) {
	t.Parallel()
	s := secret.New("s")
	tests := map[string][]ClientConfig{
		"empty registry":     {},
		"empty id":           {{ClientSecret: s}},
		"empty secret":       {{ClientID: "a"}},
		"duplicate id":       {{ClientID: "a", ClientSecret: s}, {ClientID: "a", ClientSecret: s}},
		"unknown grant type": {{ClientID: "a", ClientSecret: s, GrantTypes: []string{"implicit"}}},
		"malformed scope":    {{ClientID: "a", ClientSecret: s, Scope: `a"b`}},
	}
	for name, cfgs := range tests {
		if _, err := NewRegistry(cfgs); err == nil {
			t.Errorf("%s: NewRegistry accepted it", name)
		}
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	reg, err := NewRegistry(DefaultClients())
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(reg.Scopes(), " "); got != "current_time epoch_time" {
		t.Errorf("Scopes() = %q", got)
	}
	if !reg.Uses("1234", secret.New("qwerty")) || reg.Uses("1234", secret.New("qwerty2")) || reg.Uses("nobody", secret.New("qwerty")) {
		t.Error("Uses answers wrongly")
	}
	if c, ok := reg.Authenticate("1234", secret.New("qwerty")); !ok || !c.Allows(wire.GrantPassword) || c.Introspect {
		t.Errorf("client 1234 = %+v, %v", c, ok)
	}
	if c, ok := reg.Authenticate("resourceserver", secret.New("resourceserver-secret")); !ok || c.Allows(wire.GrantPassword) || !c.Introspect {
		t.Errorf("client resourceserver = %+v, %v", c, ok)
	}
}

// FuzzClientCredentials: parsing a Basic header and a form body never
// panics, and what it returns is consistent.
func FuzzClientCredentials(f *testing.F) {
	f.Add(basic("1234:qwerty"), "grant_type=password&username=bob&password=x")
	f.Add(wire.BasicAuthorization("we:ird%id +1", "s3:cr%t+ value"), "client_id=we%3Aird")
	f.Add("", "client_id=1234&client_secret=qwerty")
	f.Add("Basic !!", "a=%zz")
	f.Add("basic Og==", "client_secret=x&client_secret=y")
	f.Add(basic("%:%"), "scope=&scope=")
	f.Fuzz(func(t *testing.T, authorization, body string) {
		form, err := ParseForm(body)
		if err != nil {
			if !isCode(err, wire.CodeInvalidRequest) {
				t.Fatalf("ParseForm error %v is not invalid_request", err)
			}
			return
		}
		for k, v := range form {
			if v == "" {
				t.Fatalf("form keeps empty parameter %q", k)
			}
		}
		c, err := ClientCredentials(authorization, form)
		if err != nil {
			if !isCode(err, wire.CodeInvalidRequest) && !isCode(err, wire.CodeInvalidClient) {
				t.Fatalf("ClientCredentials error %v has no OAuth code", err)
			}
			return
		}
		if authorization != "" {
			if c.ID == "" {
				t.Fatal("Basic accepted with an empty client ID")
			}
			if _, both := form["client_secret"]; both {
				t.Fatal("two authentication methods accepted")
			}
			// Whatever was accepted must survive an encode and decode.
			again, err := ClientCredentials(wire.BasicAuthorization(c.ID, c.Secret.Reveal()), nil)
			if err != nil || again.ID != c.ID || again.Secret.Reveal() != c.Secret.Reveal() {
				t.Fatalf("round trip of %q/%q gave %q/%q, %v", c.ID, c.Secret.Reveal(), again.ID, again.Secret.Reveal(), err)
			}
		}
	})
}

// FuzzParseForm: any body either parses to single, non-empty values that
// url.ParseQuery agrees with, or is refused with invalid_request.
func FuzzParseForm(f *testing.F) {
	f.Add("grant_type=password&username=bob&password=x")
	f.Add("a=1&a=2&b=&c=%zz;d")
	f.Add("a=%00%FF+b")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := ParseForm(body)
		if err != nil {
			if !isCode(err, wire.CodeInvalidRequest) {
				t.Fatalf("error %v is not invalid_request", err)
			}
			return
		}
		values, err := url.ParseQuery(body)
		if err != nil {
			t.Fatalf("ParseForm accepted what url.ParseQuery refuses: %v", err)
		}
		for k, v := range form {
			if v == "" || !slices.Contains(values[k], v) {
				t.Fatalf("%s=%q is not in the body", k, v)
			}
		}
	})
}

// FuzzParseClients: a clients file never panics the parser, and whatever
// NewRegistry accepts authenticates its own clients.
func FuzzParseClients(f *testing.F) {
	f.Add(`[{"client_id":"a","client_secret":"b","grant_types":["password"],"scope":"x y"}]`)
	f.Add(`[{"client_id":"a","client_secret":"b","introspect":true}] `)
	f.Add(`[{"client_id":"a","client_secret":"b","extra":1}]`)
	f.Add(`[{"client_id":"\u0000","client_secret":"\ud800","scope":"a\"b"}]`)
	f.Fuzz(func(t *testing.T, file string) {
		cfgs, err := ParseClients(strings.NewReader(file))
		if err != nil {
			return
		}
		reg, err := NewRegistry(cfgs)
		if err != nil {
			return
		}
		for _, c := range cfgs {
			if _, ok := reg.Authenticate(c.ClientID, c.ClientSecret); !ok {
				t.Fatalf("registered client %q does not authenticate", c.ClientID)
			}
		}
	})
}
