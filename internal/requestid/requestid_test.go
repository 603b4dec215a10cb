package requestid

import (
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"abc":                         true,
		"A-b_c.9":                     true,
		strings.Repeat("a", MaxLen):   true,
		"":                            false,
		strings.Repeat("a", MaxLen+1): false,
		"a b":                         false,
		"a\r\nb":                      false,
		"a/b":                         false,
		"é":                           false,
		"a\x00":                       false,
	}
	for id, want := range tests {
		if got := Valid(id); got != want {
			t.Errorf("Valid(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestNewIsValidAndUnique(t *testing.T) {
	t.Parallel()
	a, b := New(), New()
	if !Valid(a) || len(a) != 32 || a == b {
		t.Fatalf("New() = %q, %q", a, b)
	}
}

func FuzzValid(f *testing.F) {
	f.Add("abc-123")
	f.Add("a\r\nX-Evil: 1")
	f.Fuzz(func(t *testing.T, id string) {
		if !Valid(id) {
			return
		}
		if len(id) > MaxLen || strings.ContainsAny(id, " \r\n\t\"\\:;,") {
			t.Fatalf("Valid(%q) accepted a character or length it must not", id)
		}
	})
}

// TestValidCharacters: Valid takes each character of [A-Za-z0-9._-] and
// no other byte.
func TestValidCharacters(t *testing.T) {
	t.Parallel()
	const allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
	for c := 0; c < 256; c++ {
		if got, want := Valid(string([]byte{byte(c)})), strings.IndexByte(allowed, byte(c)) >= 0; got != want {
			t.Errorf("Valid(%q) = %v, want %v", c, got, want)
		}
	}
}
