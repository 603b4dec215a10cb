//go:build unix

package e2e

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestGracefulShutdown starts the real webapp binary, sends it SIGTERM while
// a request is in flight, and checks that the request is answered, new
// connections are refused once its drain is over, and the process exits 0
// within 10 s.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a binary")
	}
	hang, called := hangingServer(t)
	cmd, lines, addr := startWebapp(t, "WEBAPP_AUTH_URL="+hang, "WEBAPP_UPSTREAM_TIMEOUT=1500ms", "WEBAPP_DRAIN=500ms")
	go func() {
		for lines.Scan() { // keep the pipe drained
		}
	}()

	client := newClient(t)
	inflight := make(chan int, 1)
	go func() {
		resp, err := client.Get("http://" + addr + "/current_time")
		if err != nil {
			inflight <- -1
			return
		}
		resp.Body.Close()
		inflight <- resp.StatusCode
	}()
	<-called // the request is in flight: the webapp is calling its upstream
	stopped := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// New connections are refused once the drain is over and the listener
	// is closed.
	refused := false
	for deadline := time.Now().Add(5 * time.Second); !refused && time.Now().Before(deadline); {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			refused = true
			break
		}
		c.Close()
		time.Sleep(20 * time.Millisecond)
	}
	if !refused {
		t.Error("new connections still accepted after SIGTERM")
	}
	if status := <-inflight; status != http.StatusGatewayTimeout {
		t.Errorf("in-flight request got %d, want its answer (504 from the hanging upstream)", status)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("exit: %v, want 0", err)
		}
		if d := time.Since(stopped); d > 10*time.Second {
			t.Errorf("took %v to exit", d)
		}
	case <-time.After(12 * time.Second):
		t.Fatal("still running 12 s after SIGTERM")
	}
}

// TestNoLineLostOnStop: a service's log lines are gathered before they are
// written to its stdout, and none of them is lost when it is stopped with
// SIGTERM or SIGINT: every request's access line arrives.
func TestNoLineLostOnStop(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a binary")
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			// Probes' access lines are at DEBUG.
			cmd, lines, addr := startWebapp(t, "WEBAPP_DRAIN=0s", "LOG_LEVEL=debug")
			const n = 200
			client := newClient(t)
			for i := 0; i < n; i++ {
				call(t, client, "GET", "http://"+addr+"/healthz", nil, "")
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			access := 0
			for lines.Scan() {
				var m map[string]any
				if json.Unmarshal(lines.Bytes(), &m) == nil && m["msg"] == "request" && m["path"] == "/healthz" {
					access++
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("exit: %v", err)
			}
			if access != n {
				t.Errorf("%d access lines after %v, want %d", access, sig, n)
			}
		})
	}
}

// startWebapp starts the real webapp binary on a loopback port with env
// (and nothing else) as its environment, and reads its output up to the
// "listening" line: the process's output is the only way to learn the
// port it got. It is killed when the test ends if still running.
func startWebapp(t *testing.T, env ...string) (cmd *exec.Cmd, lines *bufio.Scanner, addr string) {
	t.Helper()
	cmd = exec.Command(filepath.Join(binaries(t), "webapp"))
	cmd.Env = append([]string{"WEBAPP_ADDR=127.0.0.1:0"}, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines = bufio.NewScanner(stdout)
	for addr == "" && lines.Scan() {
		var m map[string]any
		if json.Unmarshal(lines.Bytes(), &m) == nil && m["msg"] == "listening" {
			addr = m["addr"].(string)
		}
	}
	if addr == "" {
		t.Fatal("webapp did not log listening")
	}
	return cmd, lines, addr
}
