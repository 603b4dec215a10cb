// Package servicetest starts a service in-process for tests, on a loopback
// port chosen by the kernel, and captures its logs.
package servicetest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// RunFunc is the signature of every service's Run.
type RunFunc func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error

// Running is what every service's Start returns.
type Running interface {
	Addr() string
	URL() string
	Wait() error
}

// StartFunc is the signature of every service's Start.
type StartFunc[R Running] func(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) (R, error)

// Service is a running service.
type Service struct {
	// Addr is the address it listens on, URL its base URL.
	Addr, URL string
	// MetricsAddr is the address of its metrics listener, if it has one.
	MetricsAddr string
	// Logs is everything it has logged.
	Logs *Logs

	cancel   context.CancelFunc
	wait     func() error
	stopOnce sync.Once
	stopErr  error
}

// Start starts a service with env as its whole environment; it returns
// once the service listens. Set the service's _ADDR to 127.0.0.1:0. The
// service is stopped, and must stop cleanly, when the test ends.
func Start[R Running](t testing.TB, name string, start StartFunc[R], env map[string]string) *Service {
	t.Helper()
	logs := &Logs{}
	return StartTo(t, name, start, env, logs, logs)
}

// StartTo is Start with the service writing to stdout, of which logs holds
// what the test keeps.
func StartTo[R Running](t testing.TB, name string, start StartFunc[R], env map[string]string, stdout io.Writer, logs *Logs) *Service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := start(ctx, []string{name}, testEnv(env), stdout)
	if err != nil {
		cancel()
		t.Fatalf("%s did not start: %v\n%s", name, err, logs)
	}
	s := &Service{Addr: r.Addr(), URL: r.URL(), Logs: logs, cancel: cancel, wait: r.Wait}
	if m, ok := any(r).(interface{ MetricsAddr() string }); ok {
		s.MetricsAddr = m.MetricsAddr()
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	})
	return s
}

// Stop cancels the service's context and waits for it to stop. It is safe
// to call more than once.
func (s *Service) Stop() error {
	s.stopOnce.Do(func() {
		s.cancel()
		done := make(chan error, 1)
		go func() { done <- s.wait() }()
		select {
		case s.stopErr = <-done:
		case <-time.After(15 * time.Second):
			s.stopErr = context.DeadlineExceeded
		}
	})
	return s.stopErr
}

// testEnv is env as a getenv. A test service stops at once unless env
// sets its drain: a drain is for callers that a test does not have.
func testEnv(env map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := env[k]; ok || !strings.HasSuffix(k, "_DRAIN") {
			return v
		}
		return "0s"
	}
}

// Logs collects a service's log output. It is safe for concurrent use.
type Logs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns all output so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Lines returns every line as a decoded JSON object and fails the test if
// one is not JSON.
func (l *Logs) Lines(t testing.TB) []map[string]any {
	t.Helper()
	return ParseLines(t, l.String())
}

// ParseLines decodes JSON log lines and fails the test on any that is not
// a JSON object.
func ParseLines(t testing.TB, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// StartFails runs run with env and checks that it refuses to start with an
// error naming setting, logged as exactly one error line naming it.
func StartFails(t testing.TB, run RunFunc, name string, env map[string]string, setting string) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), []string{name}, testEnv(env), &out)
	if err == nil || !strings.Contains(err.Error(), setting) {
		t.Fatalf("%s: Run error = %v, want one naming %s", name, err, setting)
	}
	var errorLines []map[string]any
	for _, l := range ParseLines(t, out.String()) {
		if l["level"] == "ERROR" {
			errorLines = append(errorLines, l)
		}
	}
	if len(errorLines) != 1 || errorLines[0]["setting"] != setting {
		t.Fatalf("%s: error lines = %v, want one naming %s\n%s", name, errorLines, setting, out.String())
	}
}

// AssertNoSecrets fails the test if any of secrets appears in out.
func AssertNoSecrets(t testing.TB, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("logs contain a secret (%d bytes starting %.6q)", len(s), s)
		}
	}
}
