package oauth

import (
	"sync"
	"sync/atomic"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/wire"
)

// maxTracked bounds the callers the limiter remembers.
const maxTracked = 100_000

// Limiter counts failed client authentications per caller over a sliding
// window (RFC 6749 §2.3.1 and §4.3.2 ask for brute-force protection). A
// caller that reaches the limit is refused everything until its oldest
// counted failure leaves the window. A nil *Limiter limits nothing.
//
// The check and the count are one step (Attempt): however requests are
// staged or raced, a caller gets at most max failing comparisons per window.
// Every operation costs the same however many callers are tracked: records
// sit in a list ordered by their last failure, which is also the order in
// which they expire, so expired records are dropped from its front and, when
// the table is full, the front record is the one to evict.
type Limiter struct {
	max      int
	window   time.Duration
	clock    clock.Clock
	capacity int

	mu      sync.Mutex
	callers map[string]*record
	// tracked is len(callers), readable without mu: while no caller has
	// failed lately, as when all is well, Admit takes no lock.
	tracked atomic.Int64
	// oldest and newest are the ends of the list of records, ordered by
	// last failure.
	oldest, newest *record
}

// record is one caller's recent failures.
type record struct {
	caller     string
	failures   []time.Time // oldest first, at most max
	prev, next *record
}

// NewLimiter allows max failures per caller within window. max 0 turns the
// limit off and returns nil.
func NewLimiter(max int, window time.Duration, clk clock.Clock) *Limiter {
	if max <= 0 {
		return nil
	}
	return &Limiter{max: max, window: window, clock: clk, capacity: maxTracked, callers: make(map[string]*record)}
}

// Admit returns a KindRateLimited error if caller has used up its failures.
// It lets the transport refuse a blocked caller before reading its request;
// the limit itself is enforced by Attempt.
func (l *Limiter) Admit(caller string) error {
	if l == nil || l.tracked.Load() == 0 {
		return nil
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire(now)
	if r := l.callers[caller]; r != nil {
		l.prune(r, now)
		if len(r.failures) >= l.max {
			return l.limited(r, now)
		}
	}
	return nil
}

// Attempt runs check, one client authentication by caller, and counts it if
// it fails, all under one lock: no other attempt by the caller can pass the
// gate between the check and the count. It returns check's result, or a
// KindRateLimited error, without running check, if caller is blocked. When
// the table is full of callers that are blocked right now, a caller it does
// not track is refused too: blocked callers are never forgotten early.
func (l *Limiter) Attempt(caller string, check func() bool) (bool, error) {
	if l == nil {
		return check(), nil
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expire(now)
	r := l.callers[caller]
	if r != nil {
		l.prune(r, now)
		if len(r.failures) >= l.max {
			return false, l.limited(r, now)
		}
	} else if len(l.callers) >= l.capacity && len(l.oldest.failures) >= l.max {
		return false, l.limited(l.oldest, now)
	}
	if check() {
		return true, nil
	}
	if r == nil {
		if len(l.callers) >= l.capacity {
			l.remove(l.oldest) // the oldest to expire, and not blocked
		}
		r = &record{caller: caller}
		l.callers[caller] = r
		l.tracked.Store(int64(len(l.callers)))
	} else {
		l.unlink(r)
	}
	r.failures = append(r.failures, now)
	l.pushNewest(r)
	return false, nil
}

// limited is the error for a caller whose record r is full.
func (l *Limiter) limited(r *record, now time.Time) error {
	return &Error{
		Kind:        KindRateLimited,
		Code:        wire.CodeTemporarilyUnavailable,
		Description: "too many failed client authentications, try again later",
		RetryAfter:  r.failures[0].Add(l.window).Sub(now),
	}
}

// expire forgets the callers whose failures have all left the window. They
// are at the front of the list, so this costs nothing when there are none.
func (l *Limiter) expire(now time.Time) {
	for l.oldest != nil && !l.oldest.failures[len(l.oldest.failures)-1].Add(l.window).After(now) {
		l.remove(l.oldest)
	}
}

// prune drops r's failures that have left the window. r keeps at least one:
// expire has removed the records with none left.
func (l *Limiter) prune(r *record, now time.Time) {
	cut := 0
	for cut < len(r.failures) && !r.failures[cut].Add(l.window).After(now) {
		cut++
	}
	if cut > 0 {
		r.failures = append(r.failures[:0], r.failures[cut:]...)
	}
}

func (l *Limiter) remove(r *record) {
	l.unlink(r)
	delete(l.callers, r.caller)
	l.tracked.Store(int64(len(l.callers)))
}

func (l *Limiter) unlink(r *record) {
	if r.prev != nil {
		r.prev.next = r.next
	} else {
		l.oldest = r.next
	}
	if r.next != nil {
		r.next.prev = r.prev
	} else {
		l.newest = r.prev
	}
	r.prev, r.next = nil, nil
}

func (l *Limiter) pushNewest(r *record) {
	r.prev = l.newest
	if l.newest != nil {
		l.newest.next = r
	} else {
		l.oldest = r
	}
	l.newest = r
}
