package charset

import (
	"strings"
	"testing"
)

// TestOf: All takes a string only if every byte of it is one the set was
// made of, each byte tried alone and between two of the set's.
func TestOf(t *testing.T) {
	t.Parallel()
	for _, chars := range []string{"", Alnum + "-_", LowerHex, "\x00\xff ."} {
		s := Of(chars)
		for c := 0; c < 256; c++ {
			want := strings.IndexByte(chars, byte(c)) >= 0
			if got := s.All(string([]byte{byte(c)})); got != want {
				t.Errorf("Of(%q).All(%q) = %v, want %v", chars, c, got, want)
			}
			str := string([]byte{byte(c)})
			if chars != "" {
				str = chars[:1] + str + chars[len(chars)-1:]
			}
			if got := s.All(str); got != want {
				t.Errorf("Of(%q).All(%q) = %v, want %v", chars, str, got, want)
			}
		}
		if !s.All("") {
			t.Errorf("Of(%q).All(\"\") = false", chars)
		}
	}
}
