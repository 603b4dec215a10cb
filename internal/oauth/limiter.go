package oauth

import (
	"sync"
	"time"

	"oauthtime/internal/clock"
)

// maxTracked bounds the callers the limiter remembers; past it, callers
// whose failures have all aged out are forgotten first.
const maxTracked = 100_000

// Limiter counts failed client authentications per caller over a sliding
// window (RFC 6749 §2.3.1 and §4.3.2 ask for brute-force protection). A
// caller that reaches the limit is refused everything until its oldest
// counted failure leaves the window. A nil *Limiter limits nothing.
type Limiter struct {
	max    int
	window time.Duration
	clock  clock.Clock

	mu       sync.Mutex
	failures map[string][]time.Time // oldest first, at most max
}

// NewLimiter allows max failures per caller within window. max 0 turns the
// limit off and returns nil.
func NewLimiter(max int, window time.Duration, clk clock.Clock) *Limiter {
	if max <= 0 {
		return nil
	}
	return &Limiter{max: max, window: window, clock: clk, failures: make(map[string][]time.Time)}
}

// Admit returns a KindRateLimited error if caller has used up its failures.
func (l *Limiter) Admit(caller string) error {
	if l == nil {
		return nil
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.recent(caller, now)
	if len(fs) < l.max {
		return nil
	}
	wait := fs[0].Add(l.window).Sub(now)
	return &Error{
		Kind:        KindRateLimited,
		Code:        CodeTemporarilyUnavailable,
		Description: "too many failed client authentications, try again later",
		RetryAfter:  wait,
	}
}

// Fail records a failed authentication by caller.
func (l *Limiter) Fail(caller string) {
	if l == nil {
		return
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	fs := l.recent(caller, now)
	if len(fs) == l.max {
		fs = append(fs[:0], fs[1:]...)
	}
	if len(fs) == 0 && len(l.failures) >= maxTracked {
		l.sweep(now)
	}
	if len(fs) == 0 && len(l.failures) >= maxTracked {
		for other := range l.failures { // still full: forget someone
			delete(l.failures, other)
			break
		}
	}
	l.failures[caller] = append(fs, now)
}

// recent drops caller's failures that have left the window and returns the rest.
func (l *Limiter) recent(caller string, now time.Time) []time.Time {
	fs, ok := l.failures[caller]
	if !ok {
		return nil
	}
	cut := 0
	for cut < len(fs) && !fs[cut].Add(l.window).After(now) {
		cut++
	}
	if cut == len(fs) {
		delete(l.failures, caller)
		return nil
	}
	if cut > 0 {
		fs = append(fs[:0], fs[cut:]...)
		l.failures[caller] = fs
	}
	return fs
}

// sweep forgets every caller whose failures have all left the window.
func (l *Limiter) sweep(now time.Time) {
	for caller, fs := range l.failures {
		if !fs[len(fs)-1].Add(l.window).After(now) {
			delete(l.failures, caller)
		}
	}
}
