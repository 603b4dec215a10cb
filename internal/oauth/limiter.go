package oauth

import (
	"container/list"
	"sync"
	"sync/atomic"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/wire"
)

// Limiter bounds.
const (
	// MaxFailuresLimit is the highest per-caller limit NewLimiter takes: a
	// record then holds at most that many times, so its upkeep per request
	// stays small and fixed.
	MaxFailuresLimit = 1000
	// maxFailing bounds the callers with a few failures that are tracked.
	maxFailing = 100_000
	// blockedFailures bounds the failures the blocked callers' records hold
	// together: the blocked set holds blockedFailures/max callers, so
	// filling it takes that many failures within one window, whatever max.
	blockedFailures = 1_000_000
)

// Limiter counts failed client authentications per caller over a sliding
// window (RFC 6749 §2.3.1 and §4.3.2 ask for brute-force protection). A
// caller that reaches the limit is blocked: refused everything until its
// oldest counted failure leaves the window. A nil *Limiter limits nothing.
//
// The check and the count are one step (Attempt): however requests are
// staged or raced, a tracked caller gets at most max failing comparisons per
// window.
//
// Callers that are blocked are kept apart from callers with a few
// failures, so that however many callers fail, a caller that has not
// failed is never refused for lack of room. When the failing set is full,
// the caller that failed least recently is forgotten: a few failures of one
// of 100,000 sources give an attacker nothing that the 100,000 sources did
// not. The blocked set is never evicted; when it is full (blockedFailures
// failures in one window), a caller that reaches the limit stays in the
// failing set, blocked but as forgettable as the callers there.
//
// Every operation costs the same however many callers are tracked: each set
// is a list ordered by when its records were last changed, so expired
// records are dropped from its front.
type Limiter struct {
	max      int
	window   time.Duration
	clock    clock.Clock
	failCap  int // callers in the failing set, at most
	blockCap int // callers in the blocked set, at most

	mu      sync.Mutex
	failing set // by last failure
	blocked set // by when blocked
	// tracked counts the records of both sets, readable without mu: while
	// no caller has failed lately, as when all is well, Admit takes no lock.
	tracked atomic.Int64
}

// NewLimiter allows max failures per caller within window; max is at most
// MaxFailuresLimit. max 0 turns the limit off and returns nil.
func NewLimiter(max int, window time.Duration, clk clock.Clock) *Limiter {
	if max <= 0 {
		return nil
	}
	max = min(max, MaxFailuresLimit)
	return &Limiter{
		max: max, window: window, clock: clk,
		failCap: maxFailing, blockCap: blockedFailures / max,
		failing: newSet(), blocked: newSet(),
	}
}

// Admit returns a KindRateLimited error if caller is blocked. It lets the
// transport refuse a blocked caller before reading its request; the limit
// itself is enforced by Attempt.
func (l *Limiter) Admit(caller string) error {
	if l == nil || l.tracked.Load() == 0 {
		return nil
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if r := l.find(caller, now); r != nil && len(r.failures) >= l.max {
		return l.limited(r, now)
	}
	return nil
}

// Attempt runs check, one client authentication by caller, and counts it if
// it fails, all under one lock: no other attempt by the caller can pass the
// gate between the check and the count. It returns check's result, or a
// KindRateLimited error, without running check, if caller is blocked.
func (l *Limiter) Attempt(caller string, check func() bool) (bool, error) {
	if l == nil {
		return check(), nil
	}
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.find(caller, now)
	if r != nil && len(r.failures) >= l.max {
		return false, l.limited(r, now)
	}
	if check() {
		return true, nil
	}
	if r == nil {
		if l.failing.len() >= l.failCap {
			l.drop(l.failing.front())
		}
		r = &record{caller: caller}
		l.failing.push(r)
	} else {
		s := r.in
		s.unlink(r)
		s.push(r) // its most recent failure now
	}
	r.failures = append(r.failures, now)
	if len(r.failures) >= l.max && r.in == &l.failing && l.blocked.len() < l.blockCap {
		l.failing.unlink(r)
		l.blocked.push(r)
	}
	l.tracked.Store(int64(l.failing.len() + l.blocked.len()))
	return false, nil
}

// find expires what has left the window and returns caller's record, its
// failures pruned to the window, or nil.
func (l *Limiter) find(caller string, now time.Time) *record {
	l.expire(now)
	r := l.failing.byCaller[caller]
	if r == nil {
		r = l.blocked.byCaller[caller]
	}
	if r != nil {
		l.prune(r, now)
	}
	return r
}

// limited is the error for a caller whose record r is full.
func (l *Limiter) limited(r *record, now time.Time) error {
	return &Error{
		Kind:        KindRateLimited,
		Code:        wire.CodeTemporarilyUnavailable,
		Description: "too many failed client authentications, try again later",
		RetryAfter:  r.failures[len(r.failures)-l.max].Add(l.window).Sub(now),
	}
}

// expire drops the failing records whose failures have all left the window,
// and frees the blocked callers whose window has freed up. Each list's
// front is the first to go, so this costs nothing when none has.
func (l *Limiter) expire(now time.Time) {
	for r := l.failing.front(); r != nil && !l.inWindow(r.failures[len(r.failures)-1], now); r = l.failing.front() {
		l.drop(r)
	}
	// A blocked record's window frees up within one window of its
	// blocking, so the front of the blocked list, blocked first, frees up
	// no later than one window from now; a record behind it that frees
	// up sooner is freed when its caller comes back (prune) or when it
	// reaches the front.
	for r := l.blocked.front(); r != nil && !l.inWindow(r.failures[len(r.failures)-l.max], now); r = l.blocked.front() {
		l.prune(r, now)
	}
	l.tracked.Store(int64(l.failing.len() + l.blocked.len()))
}

// prune drops r's failures that have left the window. A blocked record
// that is no longer full goes back to the failing set with the failures it
// keeps; a record with none left is dropped.
func (l *Limiter) prune(r *record, now time.Time) {
	cut := 0
	for cut < len(r.failures) && !l.inWindow(r.failures[cut], now) {
		cut++
	}
	if cut == 0 {
		return
	}
	// Slicing, not copying: append reallocates once the slice reaches
	// its capacity, so each failure is copied at most a few times.
	r.failures = r.failures[cut:]
	switch {
	case len(r.failures) == 0:
		l.drop(r)
	case len(r.failures) < l.max && r.in == &l.blocked:
		l.blocked.unlink(r)
		if l.failing.len() >= l.failCap {
			l.drop(l.failing.front())
		}
		l.failing.push(r)
	}
}

func (l *Limiter) inWindow(t, now time.Time) bool { return t.Add(l.window).After(now) }

func (l *Limiter) drop(r *record) {
	r.in.unlink(r)
	l.tracked.Store(int64(l.failing.len() + l.blocked.len()))
}

// record is one caller's recent failures.
type record struct {
	caller   string
	failures []time.Time // oldest first
	in       *set        // the set the record is in
	elem     *list.Element
}

// set is a set of records by caller, in the order they were pushed.
type set struct {
	byCaller map[string]*record
	order    *list.List
}

func newSet() set { return set{byCaller: make(map[string]*record), order: list.New()} }

func (s *set) len() int { return len(s.byCaller) }

func (s *set) front() *record {
	if e := s.order.Front(); e != nil {
		return e.Value.(*record)
	}
	return nil
}

func (s *set) push(r *record) {
	r.in, r.elem = s, s.order.PushBack(r)
	s.byCaller[r.caller] = r
}

func (s *set) unlink(r *record) {
	s.order.Remove(r.elem)
	delete(s.byCaller, r.caller)
	r.in, r.elem = nil, nil
}
