package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"sync"
	"testing"
	"time"

	"oauthtime/internal/servicetest"
)

// quietLogs is the output of a service under load (a benchmark, a soak):
// it keeps every line but the access lines at INFO, so memory stays flat
// however many requests are served, and it reports the address of the
// "listening" line, the only way to learn the port the kernel chose for
// a service run as its own process.
type quietLogs struct {
	servicetest.Logs
	mu        sync.Mutex
	partial   []byte
	listening chan string
}

func newQuietLogs() *quietLogs { return &quietLogs{listening: make(chan string, 1)} }

// Write takes output in any pieces and keeps its whole lines.
func (q *quietLogs) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.partial = append(q.partial, p...)
	for {
		i := bytes.IndexByte(q.partial, '\n')
		if i < 0 {
			break
		}
		line := q.partial[:i+1]
		// Level and message come first in a line: only its start is read.
		head := line[:min(len(line), 120)]
		if bytes.Contains(head, []byte(`"msg":"listening"`)) {
			var m struct{ Addr string }
			if json.Unmarshal(line, &m) == nil {
				select {
				case q.listening <- m.Addr:
				default:
				}
			}
		}
		if !bytes.Contains(head, []byte(`"level":"INFO","msg":"request"`)) {
			q.Logs.Write(line)
		}
		q.partial = q.partial[i+1:]
	}
	if len(q.partial) == 0 {
		q.partial = q.partial[:0:0] // let a long run's buffer go
	}
	return len(p), nil
}

// waitListening waits up to d for the "listening" line's address.
func (q *quietLogs) waitListening(d time.Duration) (string, bool) {
	select {
	case addr := <-q.listening:
		return addr, true
	case <-time.After(d):
		return "", false
	}
}

// quietService is a service started in-process that logs into a pipe, as
// it does deployed, read by a quietLogs.
type quietService struct {
	*servicetest.Service
	pw     *os.File
	copied chan struct{}
}

// startQuiet starts a service as servicetest.Start does, writing into a
// pipe.
func startQuiet[R servicetest.Running](t testing.TB, name string, start servicetest.StartFunc[R], env map[string]string) *quietService {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	q := newQuietLogs()
	s := &quietService{pw: pw, copied: make(chan struct{})}
	go func() {
		defer close(s.copied)
		io.Copy(q, pr)
		pr.Close()
	}()
	t.Cleanup(func() { s.stop(t) }) // after the service's own: cleanups run last first
	s.Service = servicetest.StartTo(t, name, start, env, pw, &q.Logs)
	return s
}

// stop stops the service, if it started, and waits until all it wrote has
// been read.
func (s *quietService) stop(t testing.TB) {
	t.Helper()
	if s.Service != nil {
		if err := s.Service.Stop(); err != nil {
			t.Errorf("%v", err)
		}
	}
	s.pw.Close()
	<-s.copied
}
