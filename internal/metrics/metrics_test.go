package metrics

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"oauthtime/internal/servicetest"
)

func page(r *Registry) string { return string(r.Append(nil)) }

// TestExposition: every family parses under the strict reader, with the
// values recorded, label values escaped.
func TestExposition(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	h := r.HTTP()
	h.Observe("GET", "/current_time", 200, 3*time.Millisecond)
	h.Observe("GET", "/current_time", 200, 30*time.Millisecond)
	h.Observe("POST", "/current_time", 405, time.Microsecond)
	h.Observe("BREW", "", 404, time.Microsecond)
	up := r.Upstream("authserver")
	up.Observe(200, time.Millisecond)
	up.Observe(OutcomeTimeout, 5*time.Second)
	up.Observe(OutcomeUnreachable, time.Second)
	up.Observe(OutcomeBadAnswer, time.Second)
	tricky := "a\"b\\c\nd"
	vec := r.CounterVec("x_total", "Help with a \\ and a\nnewline.", "client_id", "1234", tricky)
	vec.Inc(tricky)
	vec.Inc(tricky)
	if vec.Inc("unregistered") {
		t.Error("a value outside the family was counted")
	}
	r.Counter("y_total", "A plain counter.").Inc()

	m := parseStrict(t, page(r))
	want := map[string]float64{
		servicetest.Series("oauthtime_http_requests_total", "method", "GET", "route", "/current_time", "code", "200"):                   2,
		servicetest.Series("oauthtime_http_requests_total", "method", "POST", "route", "/current_time", "code", "405"):                  1,
		servicetest.Series("oauthtime_http_requests_total", "method", "other", "route", "other", "code", "404"):                         1,
		servicetest.Series("oauthtime_http_request_duration_seconds_bucket", "method", "GET", "route", "/current_time", "le", "0.0025"): 0,
		servicetest.Series("oauthtime_http_request_duration_seconds_bucket", "method", "GET", "route", "/current_time", "le", "0.005"):  1,
		servicetest.Series("oauthtime_http_request_duration_seconds_bucket", "method", "GET", "route", "/current_time", "le", "+Inf"):   2,
		servicetest.Series("oauthtime_http_request_duration_seconds_sum", "method", "GET", "route", "/current_time"):                    0.033,
		servicetest.Series("oauthtime_http_request_duration_seconds_count", "method", "GET", "route", "/current_time"):                  2,
		servicetest.Series("oauthtime_upstream_requests_total", "upstream", "authserver", "code", "200"):                                1,
		servicetest.Series("oauthtime_upstream_requests_total", "upstream", "authserver", "code", "timeout"):                            1,
		servicetest.Series("oauthtime_upstream_requests_total", "upstream", "authserver", "code", "unreachable"):                        1,
		servicetest.Series("oauthtime_upstream_requests_total", "upstream", "authserver", "code", "bad_answer"):                         1,
		servicetest.Series("oauthtime_upstream_request_duration_seconds_count", "upstream", "authserver"):                               4,
		servicetest.Series("x_total", "client_id", "1234"):                                                                              0,
		servicetest.Series("x_total", "client_id", tricky):                                                                              2,
		servicetest.Series("y_total"): 1,
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	for _, name := range []string{"go_goroutines", "process_start_time_seconds"} {
		if m[name] <= 0 {
			t.Errorf("%s = %v", name, m[name])
		}
	}
}

// TestExactUnderLoad: counts from many goroutines at once add up exactly.
func TestExactUnderLoad(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	const workers, each = 8, 5000
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r.HTTP().Observe("GET", fmt.Sprintf("/r%d", i%3), 200+w%2, time.Duration(i)*time.Microsecond)
			}
		}(w)
	}
	wg.Wait()
	m := parseStrict(t, page(r))
	var total, count float64
	for k, v := range m {
		if strings.HasPrefix(k, "oauthtime_http_requests_total{") {
			total += v
		}
		if strings.HasPrefix(k, "oauthtime_http_request_duration_seconds_count{") {
			count += v
		}
	}
	if total != workers*each || count != workers*each {
		t.Errorf("requests_total sums to %v, durations count %v, want %d", total, count, workers*each)
	}
}

// TestSeriesBounded: random methods and unrouted paths add no series:
// methods fold into "other", a path no route answered is "other", and
// routes past the cap are "other" too, however many.
func TestSeriesBounded(t *testing.T) {
	t.Parallel()
	r := NewRegistry()
	flood := func() {
		for i := 0; i < 10000; i++ {
			r.HTTP().Observe(fmt.Sprintf("M%d", rand.Int()), "", 404, time.Millisecond)
			r.HTTP().Observe(fmt.Sprintf("M%d", rand.Int()), "/token", 405, time.Millisecond)
			r.HTTP().Observe("GET", "", 404, time.Millisecond)
		}
	}
	flood()
	before := len(parseStrict(t, page(r)))
	flood()
	if after := len(parseStrict(t, page(r))); after != before {
		t.Errorf("a second flood grew the series from %d to %d", before, after)
	}
	for i := 0; i < 100; i++ {
		r.HTTP().Observe("GET", fmt.Sprintf("/registered/%d", i), 200, time.Millisecond)
	}
	n := 0
	for k := range parseStrict(t, page(r)) {
		if strings.HasPrefix(k, "oauthtime_http_request_duration_seconds_count{") {
			n++
		}
	}
	if n > (maxRoutes+1)*len(methods) {
		t.Errorf("%d duration series, more than routes × methods", n)
	}
}

// fakeT records a Fatalf instead of ending the test.
type fakeT struct {
	testing.TB
	failed string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(f)
}

// TestStrictReader: the reader the services' tests trust refuses each
// thing the format forbids.
func TestStrictReader(t *testing.T) {
	t.Parallel()
	const head = "# HELP a_total A.\n# TYPE a_total counter\n"
	const hist = "# HELP h H.\n# TYPE h histogram\n"
	bad := map[string]string{
		"no HELP":              "# TYPE a_total counter\na_total 1\n",
		"no TYPE":              "# HELP a_total A.\na_total 1\n",
		"HELP twice":           head + "# HELP a_total A.\na_total 1\n",
		"TYPE after samples":   "# HELP a_total A.\na_total 1\n# TYPE a_total counter\n",
		"not together":         head + "a_total{x=\"1\"} 1\n# HELP b B.\n# TYPE b gauge\nb 1\na_total{x=\"2\"} 1\n",
		"bad escape":           head + "a_total{x=\"\\q\"} 1\n",
		"unescaped quote":      head + "a_total{x=\"a\"b\"} 1\n",
		"bad label name":       head + "a_total{1x=\"a\"} 1\n",
		"same series twice":    head + "a_total{x=\"1\"} 1\na_total{x=\"1\"} 2\n",
		"not a number":         head + "a_total one\n",
		"negative counter":     head + "a_total -1\n",
		"no newline at end":    head + "a_total 1",
		"not cumulative":       hist + "h_bucket{le=\"1\"} 2\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 2\n",
		"+Inf is not _count":   hist + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",
		"no +Inf":              hist + "h_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
		"le out of order":      hist + "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
		"bare histogram":       hist + "h 1\n",
		"sample of no family":  head + "b_total 1\n",
		"bad metric name":      "# HELP 1a A.\n# TYPE 1a counter\n1a 1\n",
		"unterminated labels":  head + "a_total{x=\"1\" 1\n",
		"value with extra":     head + "a_total 1 2 3\n",
		"histogram le missing": hist + "h_bucket 1\nh_sum 1\nh_count 1\n",
	}
	for name, p := range bad {
		f := &fakeT{TB: t}
		func() {
			defer func() {
				if r := recover(); r != nil && r != f {
					panic(r)
				}
			}()
			parseStrict(f, p)
		}()
		if f.failed == "" {
			t.Errorf("%s: accepted\n%s", name, p)
		}
	}
	good := head + "a_total{x=\"a\\\"b\\\\c\\nd\"} 1\n" + hist + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 1.5\nh_count 2\n"
	if m := parseStrict(t, good); m[servicetest.Series("a_total", "x", "a\"b\\c\nd")] != 1 {
		t.Errorf("escaped label value read as %v", m)
	}
}

// BenchmarkRecord is what the middleware adds to a request: one counter
// and one histogram, for a route seen before.
func BenchmarkRecord(b *testing.B) {
	h := NewRegistry().HTTP()
	h.Observe("POST", "/token", 200, time.Millisecond)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.Observe("POST", "/token", 200, 700*time.Microsecond)
	}
}

// BenchmarkRecordParallel is BenchmarkRecord from every core at once, on
// one series: the contended case.
func BenchmarkRecordParallel(b *testing.B) {
	h := NewRegistry().HTTP()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			h.Observe("GET", "/current_time", 200, 2*time.Millisecond)
		}
	})
}
