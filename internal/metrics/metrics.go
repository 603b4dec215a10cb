// Package metrics counts what a service does and writes it in the
// Prometheus text exposition format, version 0.0.4, by hand.
//
// Recording is a few atomic adds: no lock, no allocation. Every label
// value comes from a set fixed by the code (the routes the service
// registered, the HTTP methods, status codes, the upstreams, the
// registered client IDs), never from what a caller typed, so no request
// can add a series.
package metrics

import (
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"time"
)

// ContentType is the exposition format's media type.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Counter is a count that only goes up.
type Counter struct{ n atomic.Uint64 }

// Inc adds one.
func (c *Counter) Inc() { c.n.Add(1) }

// Value returns the count.
func (c *Counter) Value() uint64 { return c.n.Load() }

// bounds are the upper bounds of the duration buckets: from half a
// millisecond, about the cost of a call here, to the 10 s no call may
// exceed.
var bounds = [...]time.Duration{
	500 * time.Microsecond, time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond,
	250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2500 * time.Millisecond,
	5 * time.Second, 10 * time.Second,
}

// Histogram counts durations into the buckets of bounds.
type Histogram struct {
	counts [len(bounds) + 1]atomic.Uint64 // per bucket, not cumulative; the last is +Inf
	sum    atomic.Int64                   // nanoseconds
}

// Observe records one duration.
func (h *Histogram) Observe(d time.Duration) {
	i := 0
	for i < len(bounds) && d > bounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(int64(d))
}

// Registry holds a service's metrics and serves them.
type Registry struct {
	http      *HTTP
	upstreams []*Upstream
	counters  []named
	start     time.Time
}

// named is a family of counters over one label, or of one counter.
type named struct {
	name, help, label string
	values            []string
	counters          []Counter
}

// NewRegistry returns a Registry with the families every service has.
func NewRegistry() *Registry {
	return &Registry{http: &HTTP{}, start: time.Now()}
}

// HTTP returns the request metrics, for the middleware to record into.
func (r *Registry) HTTP() *HTTP { return r.http }

// Upstream adds an upstream the service calls, named as its label says.
func (r *Registry) Upstream(name string) *Upstream {
	u := &Upstream{name: name}
	r.upstreams = append(r.upstreams, u)
	return u
}

// Counter adds a counter family with no labels.
func (r *Registry) Counter(name, help string) *Counter {
	r.counters = append(r.counters, named{name: name, help: help, counters: make([]Counter, 1)})
	return &r.counters[len(r.counters)-1].counters[0]
}

// CounterVec adds a counter family with one label, which takes only
// values.
func (r *Registry) CounterVec(name, help, label string, values ...string) *CounterVec {
	r.counters = append(r.counters, named{name: name, help: help, label: label, values: values, counters: make([]Counter, len(values))})
	v := &CounterVec{counters: r.counters[len(r.counters)-1].counters, index: make(map[string]int, len(values))}
	for i, value := range values {
		v.index[value] = i
	}
	return v
}

// CounterVec is a counter family over one label with a fixed set of values.
type CounterVec struct {
	counters []Counter
	index    map[string]int // read only once made: safe to share
}

// Inc adds one to the counter of value, and reports whether value is one
// of the family's; any other value is not counted.
func (v *CounterVec) Inc(value string) bool {
	i, ok := v.index[value]
	if ok {
		v.counters[i].Inc()
	}
	return ok
}

// Handler serves GET /metrics.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		w.Write(r.Append(nil))
	})
}

// Append appends the exposition of every family to b.
func (r *Registry) Append(b []byte) []byte {
	b = r.http.appendTo(b)
	b = appendUpstreams(b, r.upstreams)
	for _, n := range r.counters {
		b = appendHeader(b, n.name, n.help, "counter")
		if n.label == "" {
			b = appendSample(b, n.name, "", nil, float64(n.counters[0].Value()))
			continue
		}
		for i, v := range n.values {
			b = appendSample(b, n.name, "", []string{n.label, v}, float64(n.counters[i].Value()))
		}
	}
	return r.appendProcess(b)
}

// appendProcess appends the standard Go and process families.
func (r *Registry) appendProcess(b []byte) []byte {
	b = appendHeader(b, "go_goroutines", "Number of goroutines that currently exist.", "gauge")
	b = appendSample(b, "go_goroutines", "", nil, float64(runtime.NumGoroutine()))
	b = appendHeader(b, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", "gauge")
	b = appendSample(b, "process_start_time_seconds", "", nil, float64(r.start.UnixNano())/1e9)
	if rss, ok := residentBytes(); ok {
		b = appendHeader(b, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge")
		b = appendSample(b, "process_resident_memory_bytes", "", nil, float64(rss))
	}
	if fds, ok := openFDs(); ok {
		b = appendHeader(b, "process_open_fds", "Number of open file descriptors.", "gauge")
		b = appendSample(b, "process_open_fds", "", nil, float64(fds))
	}
	return b
}

// methods are the method label's values; any other method is "other".
var methods = [...]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE", "other"}

func methodIndex(m string) int {
	for i := 0; i < len(methods)-1; i++ {
		if methods[i] == m {
			return i
		}
	}
	return len(methods) - 1
}

// maxRoutes bounds the routes a service may have; past it, a route is
// counted as "other".
const maxRoutes = 15

// codes are the status codes counted one by one, 100 to 599.
const codes = 500

// HTTP holds the request families: by method, route and status code, and
// the durations by method and route.
type HTTP struct {
	// routes are the route paths seen so far, in the order first seen; a
	// route is added when it first answers, and only a route the service
	// registered ever does.
	routes [maxRoutes]atomic.Pointer[string]
	series [(maxRoutes + 1) * len(methods)]atomic.Pointer[httpSeries]
}

type httpSeries struct {
	codes     [codes + 1]Counter // 100 to 599, then any other
	durations Histogram
}

// Observe records a request answered with status after d. route is the
// path of the route that answered it, "" for none.
func (m *HTTP) Observe(method, route string, status int, d time.Duration) {
	s := m.seriesFor(m.routeIndex(route)*len(methods) + methodIndex(method))
	code := codes
	if status >= 100 && status < 100+codes {
		code = status - 100
	}
	s.codes[code].Inc()
	s.durations.Observe(d)
}

// routeIndex returns route's slot, adding it if new; slot maxRoutes is
// "other".
func (m *HTTP) routeIndex(route string) int {
	if route == "" {
		return maxRoutes
	}
	for i := range m.routes {
		p := m.routes[i].Load()
		if p == nil {
			r := route // its own variable: only a new route allocates
			if m.routes[i].CompareAndSwap(nil, &r) {
				return i
			}
			p = m.routes[i].Load()
		}
		if *p == route {
			return i
		}
	}
	return maxRoutes
}

func (m *HTTP) seriesFor(i int) *httpSeries {
	if s := m.series[i].Load(); s != nil {
		return s
	}
	m.series[i].CompareAndSwap(nil, new(httpSeries))
	return m.series[i].Load()
}

// each calls f for every series recorded, with its labels.
func (m *HTTP) each(f func(method, route string, s *httpSeries)) {
	for i := range m.series {
		s := m.series[i].Load()
		if s == nil {
			continue
		}
		route := "other"
		if r := i / len(methods); r < maxRoutes {
			route = *m.routes[r].Load()
		}
		f(methods[i%len(methods)], route, s)
	}
}

func (m *HTTP) appendTo(b []byte) []byte {
	const reqs, durs = "oauthtime_http_requests_total", "oauthtime_http_request_duration_seconds"
	b = appendHeader(b, reqs, "HTTP requests answered, by method, route and status code.", "counter")
	m.each(func(method, route string, s *httpSeries) {
		for c := range s.codes {
			if n := s.codes[c].Value(); n > 0 {
				code := "other"
				if c < codes {
					code = strconv.Itoa(100 + c)
				}
				b = appendSample(b, reqs, "", []string{"method", method, "route", route, "code", code}, float64(n))
			}
		}
	})
	b = appendHeader(b, durs, "Time from a request's arrival to its answer, by method and route.", "histogram")
	m.each(func(method, route string, s *httpSeries) {
		b = s.durations.appendTo(b, durs, []string{"method", method, "route", route})
	})
	return b
}

// Outcomes of an upstream call that got no status code.
const (
	OutcomeTimeout     = -1 // no answer in time
	OutcomeUnreachable = -2 // could not connect
	OutcomeBadAnswer   = -3 // answered something that is not HTTP
)

// Upstream holds the families of one upstream the service calls.
type Upstream struct {
	name      string
	codes     [codes + 4]Counter // 100 to 599, other, then timeout, unreachable, bad_answer
	durations Histogram
}

// Observe records a call that ended with outcome, a status code or one of
// the Outcome values, after d.
func (u *Upstream) Observe(outcome int, d time.Duration) {
	i := codes
	switch {
	case outcome >= 100 && outcome < 100+codes:
		i = outcome - 100
	case outcome < 0 && outcome >= OutcomeBadAnswer:
		i = codes - outcome
	}
	u.codes[i].Inc()
	u.durations.Observe(d)
}

func appendUpstreams(b []byte, ups []*Upstream) []byte {
	if len(ups) == 0 {
		return b // a service that calls no one has no such families
	}
	const reqs, durs = "oauthtime_upstream_requests_total", "oauthtime_upstream_request_duration_seconds"
	b = appendHeader(b, reqs, "Calls to upstream services, by upstream and status code, or timeout, unreachable or bad_answer.", "counter")
	for _, u := range ups {
		for c := range u.codes {
			n := u.codes[c].Value()
			if n == 0 {
				continue
			}
			var code string
			switch {
			case c < codes:
				code = strconv.Itoa(100 + c)
			case c == codes:
				code = "other"
			default:
				code = [...]string{"timeout", "unreachable", "bad_answer"}[c-codes-1]
			}
			b = appendSample(b, reqs, "", []string{"upstream", u.name, "code", code}, float64(n))
		}
	}
	b = appendHeader(b, durs, "Time from sending a call to an upstream to its answer's headers, by upstream.", "histogram")
	for _, u := range ups {
		b = u.durations.appendTo(b, durs, []string{"upstream", u.name})
	}
	return b
}

// appendTo appends the histogram's samples. The +Inf bucket and _count are
// one sum of the buckets read, so they agree even while requests are
// being recorded.
func (h *Histogram) appendTo(b []byte, name string, labels []string) []byte {
	var cum uint64
	le := append(slices.Clip(labels), "le", "")
	for i := range h.counts {
		cum += h.counts[i].Load()
		if i < len(bounds) {
			le[len(le)-1] = strconv.FormatFloat(bounds[i].Seconds(), 'g', -1, 64)
		} else {
			le[len(le)-1] = "+Inf"
		}
		b = appendSample(b, name, "_bucket", le, float64(cum))
	}
	b = appendSample(b, name, "_sum", labels, float64(h.sum.Load())/1e9)
	return appendSample(b, name, "_count", labels, float64(cum))
}

func appendHeader(b []byte, name, help, typ string) []byte {
	b = append(b, "# HELP "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = appendEscaped(b, help, false)
	b = append(b, "\n# TYPE "...)
	b = append(b, name...)
	b = append(b, ' ')
	b = append(b, typ...)
	return append(b, '\n')
}

// appendSample appends name+suffix{labels} value, labels being name,
// value pairs.
func appendSample(b []byte, name, suffix string, labels []string, v float64) []byte {
	b = append(b, name...)
	b = append(b, suffix...)
	if len(labels) > 0 {
		b = append(b, '{')
		for i := 0; i < len(labels); i += 2 {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, labels[i]...)
			b = append(b, `="`...)
			b = appendEscaped(b, labels[i+1], true)
			b = append(b, '"')
		}
		b = append(b, '}')
	}
	b = append(b, ' ')
	b = strconv.AppendFloat(b, v, 'g', -1, 64)
	return append(b, '\n')
}

// appendEscaped escapes backslash and newline, and in a label value the
// double quote, as the format asks.
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}
