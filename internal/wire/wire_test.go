package wire

import (
	"context"
	"errors"
	"io"
	"net/url"
	"testing"
)

// TestRFC6749_2_3_1_BasicRoundTrip checks that what BasicAuthorization
// writes, ParseBasic reads back, for identifiers and secrets that need
// form-urlencoding.
func TestRFC6749_2_3_1_BasicRoundTrip(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ id, secret string }{
		{"1234", "qwerty"},
		{"12:34", "qw%er ty+"},
		{"é", "a/b?c=d&e"},
		{"x", ""},
	} {
		id, sec, err := ParseBasic(BasicAuthorization(c.id, c.secret))
		if err != nil || id != c.id || sec != c.secret {
			t.Errorf("ParseBasic(BasicAuthorization(%q, %q)) = %q, %q, %v", c.id, c.secret, id, sec, err)
		}
	}
	// RFC 6749 §2.3.1's own example encoding: '+' is a space, %2B a plus.
	if got := BasicAuthorization("a b", "c+d"); got != "Basic YStiOmMlMkJk" {
		t.Errorf("BasicAuthorization(\"a b\", \"c+d\") = %q", got)
	}
}

func TestParseBasicErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, header string
		want         error
	}{
		{"bearer", "Bearer abc", ErrNotBasic},
		{"empty", "", ErrNotBasic},
		{"not base64", "Basic !!!", ErrMalformedBasic},
		{"no colon", "Basic YWJj", ErrMalformedBasic},
		{"bad escape", "Basic JXp6OnB3", ErrMalformedBasic},
		{"no client", "Basic OnB3", ErrNotBasic},
	}
	for _, tt := range tests {
		_, _, err := ParseBasic(tt.header)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: ParseBasic(%q) = %v, want %v", tt.name, tt.header, err, tt.want)
		}
	}
}

func TestEndpointRequest(t *testing.T) {
	t.Parallel()
	req, err := NewEndpoint("http://authserver/token", "x", "y").NewRequest(context.Background(), url.Values{"grant_type": {GrantPassword}, "scope": {"a b"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	if req.Method != "POST" || string(body) != "grant_type=password&scope=a+b" ||
		req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || req.Header.Get("Authorization") != "Basic eDp5" {
		t.Errorf("request = %s %q %v", req.Method, body, req.Header)
	}
	// Present and empty: the transport may resend it, and sends no such header.
	if v, ok := req.Header["Idempotency-Key"]; !ok || v != nil {
		t.Errorf("Idempotency-Key = %v, %v; want present and nil", v, ok)
	}
}
