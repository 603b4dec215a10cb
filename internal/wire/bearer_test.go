package wire

import (
	"errors"
	"strings"
	"testing"
)

func TestParseBearer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		values []string
		token  string
		want   error
	}{
		{"6750-02 Bearer", []string{"Bearer abc.DEF-_~+/=="}, "abc.DEF-_~+/==", nil},
		{"6750-02 scheme case-insensitive", []string{"bEaReR abc"}, "abc", nil},
		{"several spaces", []string{"Bearer   abc"}, "abc", nil},
		{"6750-07 no header", nil, "", ErrNoToken},
		{"6750-07 Basic", []string{"Basic YTpi"}, "", ErrNoToken},
		{"scheme only", []string{"Bearer"}, "", ErrMalformed},
		{"empty token", []string{"Bearer "}, "", ErrMalformed},
		{"extra part", []string{"Bearer abc def"}, "", ErrMalformed},
		{"trailing space", []string{"Bearer abc "}, "", ErrMalformed},
		{"padding only", []string{"Bearer ==="}, "", ErrMalformed},
		{"padding inside", []string{"Bearer ab=c"}, "", ErrMalformed},
		{"quote", []string{`Bearer "abc"`}, "", ErrMalformed},
		{"comma", []string{"Bearer a,b"}, "", ErrMalformed},
		{"non-ASCII", []string{"Bearer abcé"}, "", ErrMalformed},
		{"two headers", []string{"Bearer a", "Bearer b"}, "", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, err := ParseBearer(tt.values)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) || tok.Reveal() != tt.token {
				t.Fatalf("ParseBearer(%q) = %q, %v; want %q, %v", tt.values, tok.Reveal(), err, tt.token, tt.want)
			}
		})
	}
}

func FuzzParseBearer(f *testing.F) {
	f.Add("Bearer abc")
	f.Add("bearer a.b.c==")
	f.Add("Basic xyz")
	f.Add("Bearer a b\r\n")
	f.Fuzz(func(t *testing.T, header string) {
		tok, err := ParseBearer([]string{header})
		if err != nil {
			if !errors.Is(err, ErrNoToken) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		s := tok.Reveal()
		if s == "" || strings.ContainsAny(s, " \t\r\n\",;\\") || !ValidB64Token(s) {
			t.Fatalf("accepted token %q from %q", s, header)
		}
	})
}
