//go:build unix

package service

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadFileRefusesFIFO: a FIFO named as a settings or clients file is
// refused at once; opening it would wait for a writer for ever.
func TestReadFileRefusesFIFO(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "clients.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if _, err := ReadFile(fifo, 1<<20); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("ReadFile(FIFO) = %v, want not a regular file", err)
	}
	if _, _, err := ReadEnvFile(fifo, nil); err == nil {
		t.Fatal("ReadEnvFile(FIFO) succeeded")
	}
}
