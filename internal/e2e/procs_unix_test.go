//go:build unix

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The processes of the soak and shutdown tests are driven by signals and
// read through /proc: Linux and other Unixes.

// proc is one service running as its own process.
type proc struct {
	name string
	cmd  *exec.Cmd
	logs *quietLogs
	addr string
	done chan error
}

// startProc starts the binary name with env (and nothing else) as its
// environment and waits until it listens. It is killed when the test ends
// if still running.
func startProc(t testing.TB, name string, env map[string]string) *proc {
	t.Helper()
	p := &proc{name: name, logs: newQuietLogs(), done: make(chan error, 1)}
	p.cmd = exec.Command(filepath.Join(binaries(t), name))
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		p.done <- nil // later waits see it as ended
	})
	addr, ok := p.logs.waitListening(10 * time.Second)
	if !ok {
		t.Fatalf("%s did not start:\n%s", name, p.logs)
	}
	p.addr = addr
	return p
}

func (p *proc) url() string { return "http://" + p.addr }

// stats has the process log its stats line (SIGUSR1) and returns it.
func (p *proc) stats(t testing.TB) map[string]any {
	t.Helper()
	seen := p.count(t, "stats")
	if err := p.cmd.Process.Signal(syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if lines := p.lines(t, "stats"); len(lines) > seen {
			return lines[len(lines)-1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s logged no stats", p.name)
	return nil
}

func (p *proc) lines(t testing.TB, msg string) []map[string]any {
	var out []map[string]any
	for _, l := range p.logs.Lines(t) {
		if l["msg"] == msg {
			out = append(out, l)
		}
	}
	return out
}

func (p *proc) count(t testing.TB, msg string) int { return len(p.lines(t, msg)) }

// peakRSS is the process's peak resident set, in bytes, from /proc.
func (p *proc) peakRSS(t testing.TB) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// stop sends SIGTERM and checks the process exits 0 within 10 s.
func (p *proc) stop(t testing.TB) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Errorf("%s exited with %v after SIGTERM\n%s", p.name, err, p.logs)
		}
	case <-time.After(12 * time.Second):
		t.Errorf("%s still running 12 s after SIGTERM", p.name)
	}
}

// kill ends the process at once, as a crash would.
func (p *proc) kill(t testing.TB) {
	t.Helper()
	p.cmd.Process.Kill()
	err := <-p.done
	p.done <- err
}
