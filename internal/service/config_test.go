package service

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

var testVars = []Var{
	{Name: "X_ADDR", Default: ":1", Usage: "listen address"},
	{Name: "X_TTL", Default: "5s", Usage: "lifetime"},
	{Name: "X_N", Default: "10", Usage: "count"},
	{Name: "X_URL", Default: "http://localhost:1", Usage: "upstream"},
	{Name: "X_LEVEL", Default: "info", Usage: "log level"},
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	t.Parallel()
	e := NewEnv(env(nil), testVars)
	if e.String("X_ADDR") != ":1" || e.Duration("X_TTL", time.Second, time.Hour) != 5*time.Second ||
		e.Int("X_N", 0, 100) != 10 || e.URL("X_URL") != "http://localhost:1" || e.Err() != nil {
		t.Fatalf("defaults misread: %v", e.Err())
	}
}

func TestInvalidSettingsNameTheSetting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, value string
		read        func(*Env)
	}{
		{"X_TTL", "5", func(e *Env) { e.Duration("X_TTL", time.Second, time.Hour) }},
		{"X_TTL", "500ms", func(e *Env) { e.Duration("X_TTL", time.Second, time.Hour) }},
		{"X_TTL", "2h", func(e *Env) { e.Duration("X_TTL", time.Second, time.Hour) }},
		{"X_N", "ten", func(e *Env) { e.Int("X_N", 0, 100) }},
		{"X_N", "-1", func(e *Env) { e.Int("X_N", 0, 100) }},
		{"X_URL", "localhost:1", func(e *Env) { e.URL("X_URL") }},
		{"X_URL", "ftp://h", func(e *Env) { e.URL("X_URL") }},
		{"X_URL", "http://h/?q=1", func(e *Env) { e.URL("X_URL") }},
		{"X_URL", "http://u:p@h", func(e *Env) { e.URL("X_URL") }},
		{"X_URL", "http://%zz", func(e *Env) { e.URL("X_URL") }},
		{"X_LEVEL", "loud", func(e *Env) { e.Level("X_LEVEL") }},
	}
	for _, tt := range tests {
		e := NewEnv(env(map[string]string{tt.name: tt.value}), testVars)
		tt.read(e)
		var ce *Error
		if !errors.As(e.Err(), &ce) || ce.Setting != tt.name {
			t.Errorf("%s=%q: Err() = %v, want an error naming %s", tt.name, tt.value, e.Err(), tt.name)
		}
	}
}

func TestUndeclaredSetting(t *testing.T) {
	t.Parallel()
	e := NewEnv(env(nil), testVars)
	e.String("NOPE")
	if e.Err() == nil {
		t.Fatal("reading an undeclared setting is not reported")
	}
}

func TestURLTrimsSlash(t *testing.T) {
	t.Parallel()
	e := NewEnv(env(map[string]string{"X_URL": "https://h:1/base/"}), testVars)
	if got := e.URL("X_URL"); got != "https://h:1/base" || e.Err() != nil {
		t.Fatalf("URL = %q, %v", got, e.Err())
	}
}

func TestHelpListsEverySetting(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "--help", "-help"} {
		var out bytes.Buffer
		_, err := ParseArgs([]string{"x", arg}, &out, "x", "The x service.", testVars)
		if !errors.Is(err, ErrHelp) {
			t.Fatalf("%s: err = %v, want ErrHelp", arg, err)
		}
		for _, v := range testVars {
			if !strings.Contains(out.String(), v.Name) || !strings.Contains(out.String(), v.Default) {
				t.Errorf("%s output lacks %s or its default %q:\n%s", arg, v.Name, v.Default, out.String())
			}
		}
	}
}

func TestParseArgs(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if f, err := ParseArgs([]string{"x", "-healthcheck"}, &out, "x", "", testVars); err != nil || !f.HealthCheck {
		t.Fatalf("-healthcheck: %+v, %v", f, err)
	}
	if _, err := ParseArgs([]string{"x", "-nope"}, &out, "x", "", testVars); err == nil {
		t.Fatal("unknown flag accepted")
	}
	if _, err := ParseArgs([]string{"x", "extra"}, &out, "x", "", testVars); err == nil {
		t.Fatal("stray argument accepted")
	}
}
