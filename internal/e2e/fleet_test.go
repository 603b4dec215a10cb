package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
)

// TestFleetWideLimit shows the arithmetic of the brute-force limit across
// replicas: each replica counts on its own, so behind a round-robin
// balancer N replicas let a caller make N x AUTH_MAX_AUTH_FAILURES failed
// client authentications a minute. To hold a fleet of N at a limit L, set
// AUTH_MAX_AUTH_FAILURES to L/N, rounded down.
func TestFleetWideLimit(t *testing.T) {
	t.Parallel()
	const replicas, fleetLimit = 2, 6
	perReplica := fleetLimit / replicas
	env := map[string]string{"AUTH_MAX_AUTH_FAILURES": strconv.Itoa(perReplica)}
	var targets []*url.URL
	for i := 0; i < replicas; i++ {
		u, err := url.Parse(startAuth(t, env).URL)
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, u)
	}
	var next atomic.Int64
	lb := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { // round robin
			r.SetURL(targets[int(next.Add(1))%len(targets)])
		},
	})
	t.Cleanup(lb.Close)
	client := newClient(t)
	header := map[string]string{"Content-Type": formType, "Authorization": "Basic " + b64("1234:wrong")}
	refused := 0
	for i := 0; i < 3*fleetLimit; i++ {
		status, _, _ := call(t, client, "POST", lb.URL+"/token", header, "grant_type=password&username=a&password=b")
		switch {
		case status == http.StatusUnauthorized && refused == 0:
		case status == http.StatusTooManyRequests:
			refused++
		default:
			t.Fatalf("attempt %d: %d after %d refusals", i+1, status, refused)
		}
	}
	if failed := 3*fleetLimit - refused; failed != replicas*perReplica {
		t.Fatalf("%d failed authentications through the balancer, want %d replicas x %d = %d", failed, replicas, perReplica, fleetLimit)
	}
}
