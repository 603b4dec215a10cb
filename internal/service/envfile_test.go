package service

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseEnvFile(t *testing.T) {
	t.Parallel()
	good := "# comment\n\nX_ADDR=:9\r\n X_TTL = 3s \nX_URL=\"http://h:1\"\nX_N='7'\nX_LEVEL=\"a # b\"\n"
	got, err := ParseEnvFile(good, testVars)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"X_ADDR": ":9", "X_TTL": "3s", "X_URL": "http://h:1", "X_N": "7", "X_LEVEL": "a # b"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	for name, text := range map[string]string{
		"unknown setting": "X_ADDR=1\nX_TYPO=2\n",
		"no equals":       "X_ADDR\n",
		"empty name":      "=3\n",
		"set twice":       "X_ADDR=1\nX_ADDR=2\n",
		"empty value":     "X_ADDR=\n",
		"empty quotes":    "X_ADDR=\"\"\n",
		"inline comment":  "X_TTL=30s # thirty seconds\n",
		"tab comment":     "X_TTL=30s\t# thirty seconds\n",
		"only a comment":  "X_TTL=# none\n",
	} {
		if _, err := ParseEnvFile(text, testVars); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.Contains(err.Error(), "line") {
			t.Errorf("%s: error %q does not say which line", name, err)
		}
	}
}

func TestReadEnvFileAndPrecedence(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.env")
	if err := os.WriteFile(path, []byte("X_ADDR=:7\nX_TTL=9s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	values, ok, err := ReadEnvFile(path, testVars)
	if err != nil || !ok {
		t.Fatalf("ReadEnvFile = %v, %v", ok, err)
	}
	getenv := WithFile(env(map[string]string{"X_TTL": "1s"}), values)
	if getenv("X_ADDR") != ":7" || getenv("X_TTL") != "1s" || getenv("X_N") != "" {
		t.Errorf("precedence wrong: X_ADDR=%q X_TTL=%q", getenv("X_ADDR"), getenv("X_TTL"))
	}
	if _, ok, err := ReadEnvFile(filepath.Join(t.TempDir(), "missing.env"), testVars); ok || err != nil {
		t.Errorf("missing file: ok=%v err=%v, want skipped", ok, err)
	}
}

func FuzzParseEnvFile(f *testing.F) {
	f.Add("X_ADDR=:1\n# c\nX_URL='http://x'\n")
	f.Add("X_ADDR\n=\n\r\n")
	f.Fuzz(func(t *testing.T, text string) {
		values, err := ParseEnvFile(text, testVars)
		if err != nil {
			return
		}
		for k := range values {
			found := false
			for _, v := range testVars {
				found = found || v.Name == k
			}
			if !found {
				t.Fatalf("accepted undeclared setting %q", k)
			}
		}
	})
}

// TestReadEnvFileRelativePaths: a relative file setting is taken from the
// settings file's folder; an absolute one, and other settings, as they are.
func TestReadEnvFileRelativePaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.env")
	abs := filepath.Join(t.TempDir(), "ca.pem")
	text := "X_FILE=clients.json\nX_CA=" + abs + "\nX_ADDR=a/b\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := append([]Var{{Name: "X_FILE", File: true}, {Name: "X_CA", File: true}}, testVars...)
	values, _, err := ReadEnvFile(path, vars)
	if err != nil {
		t.Fatal(err)
	}
	if values["X_FILE"] != filepath.Join(dir, "clients.json") || values["X_CA"] != abs || values["X_ADDR"] != "a/b" {
		t.Fatalf("values = %v", values)
	}
}

func TestReadFileRefusesDirectoryAndLargeFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := ReadFile(dir, 1<<20); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("ReadFile(directory) = %v", err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(big, 1024); err == nil {
		t.Fatal("ReadFile read a file over its limit")
	}
	if b, err := ReadFile(big, 2048); err != nil || len(b) != 2048 {
		t.Fatalf("ReadFile at the limit: %d bytes, %v", len(b), err)
	}
}
