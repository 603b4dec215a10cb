package resourceserver

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestParseIntrospection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		status     int
		active     bool
		aud        []string
		wantErr    bool
	}{
		{"active", `{"active":true,"scope":"a b","aud":"rs","unknown":[1]}`, 200, true, []string{"rs"}, false},
		{"aud array", `{"active":true,"scope":"a","aud":["x","rs"]}`, 200, true, []string{"x", "rs"}, false},
		{"inactive", `{"active":false,"scope":"ignored"}`, 200, false, nil, false},
		{"active as a string", `{"active":"true","scope":"a"}`, 200, false, nil, true},
		{"no active", `{"scope":"a"}`, 200, false, nil, true},
		{"active without scope", `{"active":true,"aud":"rs"}`, 200, false, nil, true},
		{"scope not a string", `{"active":true,"scope":["a"]}`, 200, false, nil, true},
		{"aud a number", `{"active":true,"scope":"a","aud":1}`, 200, false, nil, true},
		{"not JSON", `<html>`, 200, false, nil, true},
		{"error status", `{"active":true,"scope":"a"}`, 401, false, nil, true},
	}
	for _, tt := range tests {
		info, err := parseIntrospection(tt.status, []byte(tt.body))
		if (err != nil) != tt.wantErr || info.Active != tt.active || len(info.Audience) != len(tt.aud) {
			t.Errorf("%s: %+v, %v", tt.name, info, err)
		}
	}
}

// FuzzParseIntrospection: any answer of the authserver is either read as a
// well-formed introspection or refused; an active answer always has what
// the Guard reads.
func FuzzParseIntrospection(f *testing.F) {
	f.Add(200, `{"active":true,"scope":"current_time","aud":"resourceserver"}`)
	f.Add(200, `{"active":false}`)
	f.Add(200, `{"active":true,"scope":"x","aud":["a",1]}`)
	f.Add(500, `oops`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		info, err := parseIntrospection(status, []byte(body))
		if err != nil {
			if info.Active {
				t.Fatal("an unreadable answer is active")
			}
			return
		}
		if status != 200 {
			t.Fatalf("status %d accepted", status)
		}
		// What was accepted is what the body says, read independently.
		var m map[string]any
		if err := json.Unmarshal([]byte(body), &m); err != nil {
			t.Fatalf("accepted %q, which is no JSON object: %v", body, err)
		}
		member := func(name string) (any, bool) {
			var v any
			n := 0
			for k, x := range m {
				if strings.EqualFold(k, name) {
					v, n = x, n+1
				}
			}
			if n > 1 { // case variants: which one won depends on their order
				t.Skip()
			}
			return v, n == 1
		}
		active, _ := member("active")
		if active != info.Active {
			t.Fatalf("%q read as active=%v", body, info.Active)
		}
		if !info.Active {
			return
		}
		if scope, _ := member("scope"); scope != info.Scope {
			t.Fatalf("%q read with scope %q", body, info.Scope)
		}
		var want []string
		switch aud, _ := member("aud"); aud := aud.(type) {
		case string:
			want = []string{aud}
		case []any:
			for _, a := range aud {
				want = append(want, a.(string))
			}
		}
		if !slices.Equal(want, info.Audience) {
			t.Fatalf("%q read with aud %q", body, info.Audience)
		}
	})
}

// TestRefusedCredentialsSaySo: when the authserver refuses the
// resourceserver itself, the error (which goes to the access log line)
// names the settings to check.
func TestRefusedCredentialsSaySo(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]string{401: "RESOURCE_CLIENT_SECRET must match", 403: `"introspect": true`} {
		_, err := parseIntrospection(status, []byte(`{"error":"invalid_client"}`))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("status %d: %v, want it to say %q", status, err, want)
		}
	}
}
