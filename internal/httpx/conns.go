package httpx

import (
	"container/list"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// listener is a service's listener. It bounds the connections open at once
// so that none of them, idle or silent, can hold the server for long:
//
//   - at most max connections are open (0: no cap); when a new one comes
//     past it, the one idle longest between requests is closed; when none
//     is idle, the new one waits until one is (a connection that never
//     completes its request is closed by the server's read timeouts);
//   - at most perIP connections from one address have sent no complete
//     request (0: no bound); past it, the oldest of them is closed.
//
// A caller whose idle keep-alive connection is closed opens another, as
// HTTP clients do; a connection that sends nothing has no claim to a slot.
// finish lets the server take what waits in the kernel's queue before it
// stops, so that a stop resets no connection the kernel accepted.
type listener struct {
	net.Listener
	max, perIP int

	mu       sync.Mutex
	open     int
	idle     *list.List            // keep-alive connections between requests, longest idle first
	freshBy  map[string]*list.List // connections with no complete request yet, by address, oldest first
	room     chan struct{}         // a slot was freed, or a connection went idle
	finished chan struct{}         // closed by finish
	finOnce  sync.Once
}

func newListener(ln net.Listener, max, perIP int) *listener {
	return &listener{
		Listener: ln, max: max, perIP: perIP,
		idle:     list.New(),
		freshBy:  make(map[string]*list.List),
		room:     make(chan struct{}, 1),
		finished: make(chan struct{}),
	}
}

// Accept accepts a connection, then makes room for it if the cap is
// reached, or waits for room if every connection is busy.
func (l *listener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		var ne net.Error
		if l.finishing() && errors.As(err, &ne) && ne.Timeout() {
			// The kernel's queue is empty: stop here, as a closed
			// listener does, and the server stops calling Accept.
			l.Listener.Close()
			return nil, net.ErrClosed
		}
		return nil, err
	}
	l.mu.Lock()
	for l.max > 0 && l.open >= l.max && !l.finishing() {
		if e := l.idle.Front(); e != nil {
			l.closeLocked(e.Value.(*conn))
			continue
		}
		l.mu.Unlock()
		select {
		case <-l.room:
		case <-l.finished:
		}
		l.mu.Lock()
	}
	l.open++
	defer l.mu.Unlock()
	c := &conn{Conn: nc, l: l, addr: hostOf(nc.RemoteAddr())}
	if same := l.freshBy[c.addr]; l.perIP > 0 && same != nil && same.Len() >= l.perIP {
		l.closeLocked(same.Front().Value.(*conn))
	}
	same := l.freshBy[c.addr]
	if same == nil {
		same = list.New()
		l.freshBy[c.addr] = same
	}
	c.byAddr = same.PushBack(c)
	return c, nil
}

// finish makes Accept take the connections waiting in the kernel's queue
// without waiting for a slot, then return net.ErrClosed once the queue is
// empty.
func (l *listener) finish() {
	l.finOnce.Do(func() {
		close(l.finished)
		if d, ok := l.Listener.(interface{ SetDeadline(time.Time) error }); ok {
			// Accept returns what is queued at once; past the
			// deadline it reports the queue empty.
			d.SetDeadline(time.Now().Add(50 * time.Millisecond))
		} else {
			l.Listener.Close()
		}
	})
}

func (l *listener) finishing() bool {
	select {
	case <-l.finished:
		return true
	default:
		return false
	}
}

// connState follows the server's view of each connection (http.Server's
// ConnState hook).
func (l *listener) connState(nc net.Conn, state http.ConnState) {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	c, ok := nc.(*conn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.closed {
		return
	}
	switch state {
	case http.StateActive:
		l.unlist(c)
	case http.StateIdle:
		l.unlist(c)
		c.listed = l.idle.PushBack(c)
		l.wake() // a waiting Accept may close it now
	case http.StateHijacked, http.StateClosed:
		l.unlist(c)
		c.closed = true
		l.release()
	}
}

// unlist takes c off the idle or fresh list it is on.
func (l *listener) unlist(c *conn) {
	if c.byAddr != nil {
		same := l.freshBy[c.addr]
		same.Remove(c.byAddr)
		if same.Len() == 0 {
			delete(l.freshBy, c.addr)
		}
	} else if c.listed != nil {
		l.idle.Remove(c.listed)
	}
	c.listed, c.byAddr = nil, nil
}

// closeLocked closes c to make room; its slot is free at once.
func (l *listener) closeLocked(c *conn) {
	l.unlist(c)
	c.closed = true
	l.release()
	c.Conn.Close()
}

// release frees one slot; l.mu is held.
func (l *listener) release() {
	l.open--
	l.wake()
}

// wake tells a waiting Accept that there may be room.
func (l *listener) wake() {
	select {
	case l.room <- struct{}{}:
	default:
	}
}

// conn is an accepted connection.
type conn struct {
	net.Conn
	l      *listener
	addr   string
	closed bool // its slot is released
	// listed is its element in the idle list while it is idle; byAddr,
	// while it is fresh, in its address's list.
	listed, byAddr *list.Element
}

func (c *conn) Close() error {
	c.l.mu.Lock()
	if !c.closed {
		c.l.unlist(c)
		c.closed = true
		c.l.release()
	}
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// CloseWrite lets the server half-close before it closes, as it does after
// an error answer, so the caller reads the answer rather than a reset.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// hostOf is the address of a peer, without its port.
func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}
