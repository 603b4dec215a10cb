package httpx

import (
	"encoding/json"
	"testing"
)

// TestAppendStringMatchesEncodingJSON: strings come out as encoding/json
// writes them, HTML escapes, \b and \f, bad UTF-8 and U+2028 included.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `"quoted" \back\slash`, "<a href='x'>&amp;</a>", "\x00\x01\b\f\n\r\t\x1f\x7f", "\xff\xfe bad", "é ü 日本 🙂", "\u2028\u2029"} {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("<\u2028\xff\b")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// matchesJSON fails unless v's AppendJSON is what encoding/json writes.
func matchesJSON(t *testing.T, v JSONAppender) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.AppendJSON(nil); string(got) != string(want) {
		t.Errorf("AppendJSON = %s\nencoding/json %s", got, want)
	}
}

func TestErrorBodyMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	matchesJSON(t, errorBody{Error: "invalid_request"})
	matchesJSON(t, errorBody{Error: "invalid_request", Description: "the <body> & more"})
}
