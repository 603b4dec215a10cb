package clock

import (
	"testing"
	"time"
)

func TestManual(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	c := NewManual(start)
	if got := c.Now(); !got.Equal(start) {
		t.Fatalf("Now() = %v, want %v", got, start)
	}
	c.Advance(5 * time.Second)
	if got, want := c.Now(), start.Add(5*time.Second); !got.Equal(want) {
		t.Fatalf("after Advance, Now() = %v, want %v", got, want)
	}
}

func TestSystemMoves(t *testing.T) {
	t.Parallel()
	var c Clock = System{}
	if d := time.Since(c.Now()); d < 0 || d > time.Minute {
		t.Fatalf("System clock is off by %v", d)
	}
}
