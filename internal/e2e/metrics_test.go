package e2e

import (
	"encoding/base64"
	"fmt"
	"math/rand"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"oauthtime/internal/metrics"
	"oauthtime/internal/servicetest"
)

// scrape reads a service's /metrics.
func scrape(t *testing.T, client *http.Client, s *servicetest.Service) servicetest.Metrics {
	t.Helper()
	status, h, body := call(t, client, "GET", s.URL+"/metrics", nil, "")
	if status != 200 || h.Get("Content-Type") != metrics.ContentType {
		t.Fatalf("%s/metrics: %d %q", s.URL, status, h.Get("Content-Type"))
	}
	return servicetest.ReadMetrics(t, body)
}

// requests is an expected oauthtime_http_requests_total: "METHOD route
// code" to count.
type requests map[string]float64

// checkRequests fails unless the service's request counters are exactly
// want: no series missing, none more, none off by one.
func checkRequests(t *testing.T, name string, m servicetest.Metrics, want requests) {
	t.Helper()
	got := requests{}
	for series, v := range m {
		if !strings.HasPrefix(series, "oauthtime_http_requests_total{") {
			continue
		}
		var code, method, route string
		fmt.Sscanf(strings.NewReplacer("{", " ", "}", " ", ",", " ", `"`, "", "=", " ").Replace(series),
			"oauthtime_http_requests_total code %s method %s route %s", &code, &method, &route)
		got[method+" "+route+" "+code] = v
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: requests %s = %v, want %v", name, k, got[k], v)
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: requests %s = %v, not expected", name, k, v)
		}
	}
}

const formType = "application/x-www-form-urlencoded"

// TestMetricsCountExactly: after requests of known outcome to each
// service, its counters say exactly that, per method, route and code,
// with the upstream calls and the authserver's own families to match;
// every page passes the strict reader.
func TestMetricsCountExactly(t *testing.T) {
	t.Parallel()
	sys := startSystem(t)
	client := newClient(t)
	scrapes := waitChecks(t, client, sys.auth)
	do := func(method, url string, header map[string]string, body string, want int) {
		t.Helper()
		if status, _, b := call(t, client, method, url, header, body); status != want {
			t.Fatalf("%s %s: %d %s, want %d", method, url, status, b, want)
		}
	}
	basic := func(creds string) map[string]string {
		return map[string]string{"Content-Type": formType, "Authorization": "Basic " + b64(creds)}
	}
	for i := 0; i < 3; i++ {
		do("GET", sys.web.URL+"/current_time", nil, "", 200)
	}
	do("GET", sys.web.URL+"/epoch_time", map[string]string{"Authorization": "Basic " + b64("alice:")}, "", 401)
	do("GET", sys.web.URL+"/nope", nil, "", 404)
	do("POST", sys.web.URL+"/current_time", nil, "", 405)

	do("POST", sys.auth.URL+"/token", basic("1234:qwerty"), "grant_type=client_credentials", 400)
	do("POST", sys.auth.URL+"/token", basic("1234:wrong"), "grant_type=password&username=a&password=b", 401)
	do("GET", sys.auth.URL+"/nope", nil, "", 404)
	do("GET", sys.auth.URL+"/token", nil, "", 405)

	do("GET", sys.res.URL+"/current_time", nil, "", 401)
	do("GET", sys.res.URL+"/current_time", map[string]string{"Authorization": "Bearer a b"}, "", 400)
	do("GET", sys.res.URL+"/nope", nil, "", 404)
	do("POST", sys.res.URL+"/epoch_time", nil, "", 405)

	checkRequests(t, "webapp", scrape(t, client, sys.web), requests{
		"GET /current_time 200": 3, "GET /epoch_time 401": 1, "GET other 404": 1, "POST /current_time 405": 1,
	})
	checkRequests(t, "resourceserver", scrape(t, client, sys.res), requests{
		"GET /current_time 200": 3, "GET /current_time 401": 1, "GET /current_time 400": 1, "GET other 404": 1, "POST /epoch_time 405": 1,
	})
	auth := scrape(t, client, sys.auth)
	checkRequests(t, "authserver", auth, requests{
		"POST /token 200": 3, "POST /introspect 200": 3, "POST /token 401": 1, "GET other 404": 1, "GET /token 405": 1,
		// The test's own, and the webapp's and resourceserver's checks of
		// their credentials at start.
		"POST /token 400": 2, "POST /introspect 400": 1,
		"GET /metrics 200": scrapes,
	})
	for series, want := range map[string]float64{
		servicetest.Series("oauthtime_tokens_issued_total", "client_id", "1234"):           3,
		servicetest.Series("oauthtime_tokens_issued_total", "client_id", "resourceserver"): 0,
		servicetest.Series("oauthtime_introspections_total", "active", "true"):             3,
		servicetest.Series("oauthtime_introspections_total", "active", "false"):            0,
		servicetest.Series("oauthtime_client_auth_failures_total"):                         1,
		servicetest.Series("oauthtime_rate_limited_total"):                                 0,
	} {
		if got, ok := auth[series]; !ok || got != want {
			t.Errorf("authserver: %s = %v, want %v", series, got, want)
		}
	}
	web := scrape(t, client, sys.web)
	for series, want := range map[string]float64{
		servicetest.Series("oauthtime_upstream_requests_total", "upstream", "authserver", "code", "200"):          3,
		servicetest.Series("oauthtime_upstream_requests_total", "upstream", "resourceserver", "code", "200"):      3,
		servicetest.Series("oauthtime_upstream_request_duration_seconds_count", "upstream", "authserver"):         3,
		servicetest.Series("oauthtime_upstream_request_duration_seconds_count", "upstream", "resourceserver"):     3,
		servicetest.Series("oauthtime_http_request_duration_seconds_count", "method", "GET", "route", "/metrics"): 1,
	} {
		if got := web[series]; got != want {
			t.Errorf("webapp: %s = %v, want %v", series, got, want)
		}
	}
	if got := scrape(t, client, sys.res)[servicetest.Series("oauthtime_upstream_requests_total", "upstream", "authserver", "code", "200")]; got != 3 {
		t.Errorf("resourceserver: introspections sent = %v, want 3", got)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "process_start_time_seconds", "process_open_fds"} {
		if web[name] <= 0 {
			t.Errorf("webapp: %s = %v", name, web[name])
		}
	}
}

// TestMetricsOutcomes: 429 and 503 are counted too, and an upstream that
// cannot be reached is counted as unreachable.
func TestMetricsOutcomes(t *testing.T) {
	t.Parallel()
	client := newClient(t)
	auth := startAuth(t, map[string]string{"AUTH_MAX_AUTH_FAILURES": "2"})
	header := map[string]string{"Content-Type": formType, "Authorization": "Basic " + b64("1234:wrong")}
	for i, want := range []int{401, 401, 429} {
		if status, _, _ := call(t, client, "POST", auth.URL+"/introspect", header, "token=x"); status != want {
			t.Fatalf("attempt %d: %d, want %d", i+1, status, want)
		}
	}
	m := scrape(t, client, auth)
	checkRequests(t, "authserver", m, requests{"POST /introspect 401": 2, "POST /introspect 429": 1})
	if m[servicetest.Series("oauthtime_client_auth_failures_total")] != 2 || m[servicetest.Series("oauthtime_rate_limited_total")] != 1 {
		t.Errorf("failures %v, rate limited %v; want 2, 1", m["oauthtime_client_auth_failures_total"], m["oauthtime_rate_limited_total"])
	}

	// Upstreams that refuse connections.
	dead := deadURL(t)
	res := startResource(t, dead, nil)
	web := startWeb(t, dead, dead, nil)
	if status, _, _ := call(t, client, "GET", res.URL+"/epoch_time", map[string]string{"Authorization": "Bearer abc"}, ""); status != 503 {
		t.Fatalf("resourceserver with its authserver down: %d", status)
	}
	if status, _, _ := call(t, client, "GET", web.URL+"/epoch_time", nil, ""); status != 503 {
		t.Fatalf("webapp with its authserver down: %d", status)
	}
	for name, s := range map[string]*servicetest.Service{"resourceserver": res, "webapp": web} {
		m := scrape(t, client, s)
		checkRequests(t, name, m, requests{"GET /epoch_time 503": 1})
		if got := m[servicetest.Series("oauthtime_upstream_requests_total", "upstream", "authserver", "code", "unreachable")]; got != 1 {
			t.Errorf("%s: unreachable calls = %v, want 1", name, got)
		}
	}
}

// waitChecks waits until the webapp and the resourceserver have checked
// their client credentials at auth, as each does once at start: one 400
// each, since a check asks for nothing. It returns how often it scraped
// auth's /metrics.
func waitChecks(t *testing.T, client *http.Client, auth *servicetest.Service) (scrapes float64) {
	t.Helper()
	token := servicetest.Series("oauthtime_http_requests_total", "method", "POST", "route", "/token", "code", "400")
	introspect := servicetest.Series("oauthtime_http_requests_total", "method", "POST", "route", "/introspect", "code", "400")
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := scrape(t, client, auth)
		scrapes++
		if m[token] >= 1 && m[introspect] >= 1 {
			return scrapes
		}
		if time.Now().After(deadline) {
			t.Fatal("the services did not check their credentials at start")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// deadURL is the URL of a port that refuses connections.
func deadURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	return url
}

// TestMetricsFlood: random paths, methods and client IDs add no series to
// any service: a second flood leaves every page with the series the first
// left.
func TestMetricsFlood(t *testing.T) {
	t.Parallel()
	auth := startAuth(t, map[string]string{"AUTH_MAX_AUTH_FAILURES": "0"})
	res := startResource(t, auth.URL, nil)
	web := startWeb(t, auth.URL, res.URL, nil)
	client := newClient(t)
	services := []*servicetest.Service{auth, res, web}
	flood := func() {
		for i := 0; i < 200; i++ {
			s := services[i%3]
			call(t, client, fmt.Sprintf("M%d", rand.Int63()), s.URL+"/current_time", nil, "")
			call(t, client, "GET", fmt.Sprintf("%s/%d/%x", s.URL, rand.Int63(), rand.Int63()), nil, "")
			call(t, client, "POST", auth.URL+"/token", map[string]string{
				"Content-Type": formType, "Authorization": "Basic " + b64(fmt.Sprintf("c%d:s", rand.Int63())),
			}, "grant_type=password&username=u&password=p")
		}
	}
	count := func() []int {
		var n []int
		for _, s := range services {
			n = append(n, len(scrape(t, client, s)))
		}
		return n
	}
	flood()
	count() // the scrapes add the /metrics series, once
	before := count()
	flood()
	if after := count(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("series per service grew from %v to %v", before, after)
	}
}

// TestMetricsListener: with *_METRICS_ADDR set, /metrics is served there
// and answers 404, in the service's own error shape, on its own address.
func TestMetricsListener(t *testing.T) {
	t.Parallel()
	auth := startAuth(t, map[string]string{"AUTH_METRICS_ADDR": "127.0.0.1:0"})
	res := startResource(t, auth.URL, map[string]string{"RESOURCE_METRICS_ADDR": "127.0.0.1:0"})
	web := startWeb(t, auth.URL, res.URL, map[string]string{"WEBAPP_METRICS_ADDR": "127.0.0.1:0"})
	client := newClient(t)
	if status, _, body := call(t, client, "GET", web.URL+"/current_time", nil, ""); status != 200 {
		t.Fatalf("flow: %d %s", status, body)
	}
	for _, s := range []*servicetest.Service{auth, res, web} {
		if s.MetricsAddr == "" || s.MetricsAddr == s.Addr {
			t.Fatalf("%s: metrics address %q", s.URL, s.MetricsAddr)
		}
		if status, _, body := call(t, client, "GET", s.URL+"/metrics", nil, ""); status != 404 {
			t.Errorf("%s/metrics on the service's address: %d %s, want 404", s.URL, status, body)
		}
		m := scrape(t, client, &servicetest.Service{URL: "http://" + s.MetricsAddr})
		if m[`oauthtime_http_requests_total{code="404",method="GET",route="other"}`] != 1 {
			t.Errorf("%s: the 404 for /metrics is not counted on the metrics listener", s.URL)
		}
	}
}

// TestMisconfiguredResourceServerLocksNoOneOut: a resourceserver whose
// secret the authserver refuses, under load, on the same address as the
// webapp, spends its failures once, not per call: the webapp's own token
// requests never get 429, and every call says which link failed.
func TestMisconfiguredResourceServerLocksNoOneOut(t *testing.T) {
	t.Parallel()
	client := newClient(t)
	auth := startAuth(t, nil)
	res := startResource(t, auth.URL, map[string]string{"RESOURCE_CLIENT_SECRET": "wrong-secret"})
	web := startWeb(t, auth.URL, res.URL, nil)
	deadline := time.Now().Add(10 * time.Second)
	for { // its check at start finds the secret refused
		status, _, body := call(t, client, "GET", res.URL+"/readyz", nil, "")
		if status == 503 {
			if !strings.Contains(body, "refused our client credentials") {
				t.Fatalf("resourceserver /readyz: %s", body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("resourceserver still ready with a refused secret: %d %s", status, body)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if status, _, body := call(t, client, "GET", web.URL+"/readyz", nil, ""); status != 200 {
		t.Fatalf("webapp /readyz: %d %s", status, body)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 200)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				status, _, body := call(t, client, "GET", web.URL+"/current_time", nil, "")
				if status != 502 || body != "error: resourceserver: the authorization server refused the resourceserver's client credentials\n" {
					errs <- fmt.Sprintf("%d %q", status, body)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("a call through the webapp: %s, want 502 naming the resourceserver's credentials", e)
	}
	m := scrape(t, client, auth)
	checkRequests(t, "authserver", m, requests{
		"POST /token 200": 320, "POST /token 400": 1, "POST /introspect 401": 1,
	})
	if f := m[servicetest.Series("oauthtime_client_auth_failures_total")]; f != 1 {
		t.Errorf("%v failed client authentications, want 1: the check at start", f)
	}
}
