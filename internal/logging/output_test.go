package logging

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// pipe returns an Output over a pipe and the pipe's reading end.
func pipe(t *testing.T) (*Output, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return NewOutput(w), r
}

// available reads what the pipe holds right now, without waiting.
func available(t *testing.T, r *os.File) string {
	t.Helper()
	r.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	b := make([]byte, 1<<20)
	n, _ := r.Read(b)
	return string(b[:n])
}

func TestOutputWritesOtherWritersAtOnce(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	o := NewOutput(&buf)
	o.Write([]byte("a\n"))
	if buf.String() != "a\n" {
		t.Errorf("buffer = %q, want the line at once", buf.String())
	}
}

// TestOutputGathersLines: a line at WARN takes every line before it along
// at once, and Close writes the rest.
func TestOutputGathersLines(t *testing.T) {
	t.Parallel()
	o, r := pipe(t)
	log := New(o, "test", slog.LevelInfo)
	log.Info("one")
	log.Info("two")
	log.Warn("three")
	got := available(t, r)
	for _, msg := range []string{`"msg":"one"`, `"msg":"two"`, `"msg":"three"`} {
		if !strings.Contains(got, msg) {
			t.Errorf("once a WARN line is logged, the pipe holds %q, without %s", got, msg)
		}
	}
	log.Info("four")
	o.Close()
	if got := available(t, r); !strings.Contains(got, `"msg":"four"`) {
		t.Errorf("after Close, the pipe holds %q", got)
	}
}

// TestOutputTimer: a line nobody flushes is written by the timer.
func TestOutputTimer(t *testing.T) {
	t.Parallel()
	o, r := pipe(t)
	start := time.Now()
	o.Write([]byte("late\n"))
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil || line != "late\n" {
		t.Fatalf("read %q, %v", line, err)
	}
	t.Logf("written after %v (FlushInterval %v)", time.Since(start), FlushInterval)
}

// TestOutputKeepsOrder: lines written from many goroutines, with flushes
// racing them, all arrive, each goroutine's in its order.
func TestOutputKeepsOrder(t *testing.T) {
	t.Parallel()
	o, r := pipe(t)
	const writers, lines = 8, 5000
	read := make(chan map[int][]int, 1)
	go func() {
		seen := map[int][]int{}
		s := bufio.NewScanner(r)
		for n := 0; n < writers*lines && s.Scan(); n++ {
			var w, i int
			fmt.Sscanf(s.Text(), "%d %d", &w, &i)
			seen[w] = append(seen[w], i)
		}
		read <- seen
	}()
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < lines; i++ {
				fmt.Fprintf(o, "%d %d %s\n", w, i, strings.Repeat("x", i%200))
				if i%1000 == 0 {
					o.Flush()
				}
			}
		}(w)
	}
	wg.Wait()
	o.Close()
	seen := <-read
	for w := 0; w < writers; w++ {
		if len(seen[w]) != lines {
			t.Fatalf("writer %d: %d lines arrived, want %d", w, len(seen[w]), lines)
		}
		for i, n := range seen[w] {
			if n != i {
				t.Fatalf("writer %d: line %d arrived as %d", w, i, n)
			}
		}
	}
}

// BenchmarkAccessLine is one access line through the service's logger
// into a pipe that another goroutine drains.
func BenchmarkAccessLine(b *testing.B) {
	r, w, err := os.Pipe()
	if err != nil {
		b.Fatal(err)
	}
	go io.Copy(io.Discard, r)
	defer w.Close()
	for _, o := range []struct {
		name string
		w    io.Writer
		slog bool
	}{{"slog-direct", w, true}, {"direct", w, false}, {"slog-output", NewOutput(w), true}, {"output", NewOutput(w), false}} {
		b.Run(o.name, func(b *testing.B) {
			log := New(o.w, "bench", slog.LevelInfo)
			if o.slog { // slog.JSONHandler, for comparison
				log = slog.New(slog.NewJSONHandler(o.w, nil)).With(slog.String("service", "bench"))
			}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				// As the middleware logs it: attributes, not arguments.
				log.LogAttrs(context.Background(), slog.LevelInfo, "request", slog.String("method", "GET"), slog.String("path", "/current_time"),
					slog.Int("status", 200), slog.Float64("duration_ms", 1.25), slog.String("remote", "127.0.0.1"))
			}
		})
	}
}
