package trace

import (
	"strings"
	"testing"
)

func TestValidRequestID(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"abc":                               true,
		"A-b_c.9":                           true,
		strings.Repeat("a", MaxRequestID):   true,
		"":                                  false,
		strings.Repeat("a", MaxRequestID+1): false,
		"a b":                               false,
		"a\r\nb":                            false,
		"a/b":                               false,
		"é":                                 false,
		"a\x00":                             false,
	}
	for id, want := range tests {
		if got := ValidRequestID(id); got != want {
			t.Errorf("ValidRequestID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestNewRequestIDIsValidAndUnique(t *testing.T) {
	t.Parallel()
	a, b := NewRequestID(), NewRequestID()
	if !ValidRequestID(a) || len(a) != 32 || a == b {
		t.Fatalf("NewRequestID() = %q, %q", a, b)
	}
}

func FuzzValidRequestID(f *testing.F) {
	f.Add("abc-123")
	f.Add("a\r\nX-Evil: 1")
	f.Fuzz(func(t *testing.T, id string) {
		if !ValidRequestID(id) {
			return
		}
		if len(id) > MaxRequestID || strings.ContainsAny(id, " \r\n\t\"\\:;,") {
			t.Fatalf("ValidRequestID(%q) accepted a character or length it must not", id)
		}
	})
}

// TestValidCharacters: Valid takes each character of [A-Za-z0-9._-] and
// no other byte.
func TestValidRequestIDCharacters(t *testing.T) {
	t.Parallel()
	const allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
	for c := 0; c < 256; c++ {
		if got, want := ValidRequestID(string([]byte{byte(c)})), strings.IndexByte(allowed, byte(c)) >= 0; got != want {
			t.Errorf("ValidRequestID(%q) = %v, want %v", c, got, want)
		}
	}
}
