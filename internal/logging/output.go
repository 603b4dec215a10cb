package logging

import (
	"io"
	"os"
	"sync"
	"time"
)

// FlushInterval is the longest a line waits in an Output's buffer.
const FlushInterval = 50 * time.Millisecond

// flushSize is how much an Output holds before it writes at once.
const flushSize = 64 << 10

// Output is where a service's log lines go. Writing to a file (a terminal,
// a pipe, a container runtime's log) is a system call per line, and with
// one access line per request that was a tenth of a busy service's CPU:
// so lines for a file are gathered and written together, within
// FlushInterval of being logged, at once past 64 KiB, and whenever a line
// at WARN or above is logged (see Handler), so that an error, a recovered
// panic and the reason a start failed are never held back. Close writes
// what is left; a process killed with SIGKILL loses at most the last
// FlushInterval of lines below WARN.
//
// Any other writer (a test's buffer, say) is written at once.
type Output struct {
	w        io.Writer
	buffered bool // set once, by NewOutput

	mu    sync.Mutex // guards buf and armed
	buf   []byte
	armed bool
	timer *time.Timer

	writeMu sync.Mutex // keeps flushes in order
	spare   []byte
}

// NewOutput returns an Output writing to w.
func NewOutput(w io.Writer) *Output {
	o := &Output{w: w}
	if _, ok := w.(*os.File); ok {
		o.buffered = true
		o.buf = make([]byte, 0, flushSize)
		o.spare = make([]byte, 0, flushSize)
		o.timer = time.AfterFunc(time.Hour, func() { o.Flush() })
		o.timer.Stop()
	}
	return o
}

// Write takes one or more whole lines.
func (o *Output) Write(p []byte) (int, error) {
	if !o.buffered {
		return o.w.Write(p)
	}
	o.mu.Lock()
	o.buf = append(o.buf, p...)
	full := len(o.buf) >= flushSize
	if !o.armed && !full {
		o.armed = true
		o.timer.Reset(FlushInterval)
	}
	o.mu.Unlock()
	if full {
		return len(p), o.Flush()
	}
	return len(p), nil
}

// Flush writes every line taken so far.
func (o *Output) Flush() error {
	if !o.buffered {
		return nil
	}
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	o.mu.Lock()
	out := o.buf
	o.buf, o.spare = o.spare[:0], nil
	o.armed = false
	o.mu.Unlock()
	var err error
	if len(out) > 0 {
		_, err = o.w.Write(out)
	}
	if cap(out) > 4*flushSize {
		out = make([]byte, 0, flushSize) // let a burst's buffer go
	}
	o.mu.Lock()
	o.spare = out[:0]
	o.mu.Unlock()
	return err
}

// Close writes every line taken so far: a service's last step.
func (o *Output) Close() error { return o.Flush() }
