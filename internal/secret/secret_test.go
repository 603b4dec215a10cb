package secret

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestStringNeverPrints(t *testing.T) {
	t.Parallel()
	const value = "hunter2-very-secret"
	s := New(value)
	if s.Reveal() != value {
		t.Fatalf("Reveal() = %q, want %q", s.Reveal(), value)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("event", "secret", s, "group", slog.GroupValue(slog.Any("inner", s)))
	js, err := json.Marshal(struct{ S String }{s})
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"%v":   fmt.Sprintf("%v", s),
		"%s":   fmt.Sprintf("%s", s),
		"%q":   fmt.Sprintf("%q", s),
		"%+v":  fmt.Sprintf("%+v", struct{ S String }{s}),
		"%#v":  fmt.Sprintf("%#v", s),
		"slog": logs.String(),
		"json": string(js),
	}
	for name, out := range outputs {
		if strings.Contains(out, value) {
			t.Errorf("%s output reveals the secret: %s", name, out)
		}
		if !strings.Contains(out, redacted) {
			t.Errorf("%s output = %q, want it to say %s", name, out, redacted)
		}
	}
}

func TestEmpty(t *testing.T) {
	t.Parallel()
	if !(String{}).Empty() || New("x").Empty() {
		t.Fatal("Empty reports the wrong answer")
	}
}

func TestUnmarshalJSON(t *testing.T) {
	t.Parallel()
	var v struct{ S String }
	if err := json.Unmarshal([]byte(`{"S":"qwerty"}`), &v); err != nil || v.S.Reveal() != "qwerty" {
		t.Fatalf("Unmarshal = %v, %q", err, v.S.Reveal())
	}
	if err := json.Unmarshal([]byte(`{"S":5}`), &v); err == nil {
		t.Fatal("a number was accepted as a secret")
	}
}
