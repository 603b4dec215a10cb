package service

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// maxEnvFile bounds a settings file.
const maxEnvFile = 1 << 20

// ReadEnvFile reads a settings file: one NAME=value per line, blank lines
// and lines starting with # ignored, a value optionally in matching single
// or double quotes (taken as is, no escapes). Every name must be one of
// vars, so that a misspelt setting is an error rather than silently unset.
// A relative path given to a file setting (Var.File) is taken from the
// folder the settings file is in, so one file works wherever it is mounted.
// A file that does not exist is not an error: ok is false.
func ReadEnvFile(path string, vars []Var) (values map[string]string, ok bool, err error) {
	raw, err := ReadFile(path, maxEnvFile)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	values, err = ParseEnvFile(string(raw), vars)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	for _, v := range vars {
		if p, ok := values[v.Name]; ok && v.File && !filepath.IsAbs(p) {
			values[v.Name] = filepath.Join(filepath.Dir(path), p)
		}
	}
	return values, true, nil
}

// ParseEnvFile parses the text of a settings file (see ReadEnvFile).
func ParseEnvFile(text string, vars []Var) (map[string]string, error) {
	declared := make(map[string]bool, len(vars))
	for _, v := range vars {
		declared[v.Name] = true
	}
	values := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || line[0] == '#' {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("line %d: want NAME=value", i+1)
		}
		if !declared[name] {
			return nil, fmt.Errorf("line %d: %q is not a setting of this service", i+1, name)
		}
		if _, dup := values[name]; dup {
			return nil, fmt.Errorf("line %d: %s is set twice", i+1, name)
		}
		value = strings.TrimSpace(value)
		if n := len(value); n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n-1] == value[0] {
			value = value[1 : n-1]
		} else if strings.HasPrefix(value, "#") || strings.Contains(value, " #") || strings.Contains(value, "\t#") {
			// Other formats take these as comments, some do not: refuse
			// rather than guess.
			return nil, fmt.Errorf("line %d: %s: a # in a value is not a comment here; put comments on lines of their own, or quote the value", i+1, name)
		}
		if value == "" {
			// An empty value would silently mean the default.
			return nil, fmt.Errorf("line %d: %s is empty; delete the line (or comment it out) to keep the default", i+1, name)
		}
		values[name] = value
	}
	return values, nil
}

// WithFile returns a getenv that answers from getenv, and from values for
// settings the environment leaves empty: the environment wins, as it does
// over a compose env_file.
func WithFile(getenv func(string) string, values map[string]string) func(string) string {
	return func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return values[name]
	}
}
