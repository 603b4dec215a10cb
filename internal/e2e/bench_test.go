package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"oauthtime/internal/authserver"
	"oauthtime/internal/httpx"
	"oauthtime/internal/resourceserver"
	"oauthtime/internal/servicetest"
	"oauthtime/internal/webapp"
)

// BenchmarkFlow measures the user's call, webapp /current_time, over
// loopback. full runs the three real services; bare runs the same topology
// and the same HTTP traffic (form POST for a token, GET with a Bearer
// header, form POST for introspection, JSON answers) with handlers that do
// nothing else. The ratio of their ns/op is what the real work costs.
//
//	go test -run '^$' -bench Flow ./...
//
// Both report the TCP connections each service accepted in the last run
// (as-conns, rs-conns, wa-conns): with reuse they stay near the number of
// concurrent callers (parallelism × GOMAXPROCS), whatever b.N is.
func BenchmarkFlow(b *testing.B) {
	b.Run("bare", benchBare)
	b.Run("full", benchFull)
}

// parallelism multiplies GOMAXPROCS to give the number of callers.
const parallelism = 4

func benchFull(b *testing.B) {
	auth := startQuiet(b, "authserver", authserver.Start, map[string]string{
		"AUTH_ADDR": "127.0.0.1:0", "AUTH_SIGNING_KEY": signingKey,
	})
	res := startQuiet(b, "resourceserver", resourceserver.Start, map[string]string{
		"RESOURCE_ADDR": "127.0.0.1:0", "RESOURCE_AUTH_URL": auth.URL,
	})
	web := startQuiet(b, "webapp", webapp.Start, map[string]string{
		"WEBAPP_ADDR": "127.0.0.1:0", "WEBAPP_AUTH_URL": auth.URL, "WEBAPP_RESOURCE_URL": res.URL,
	})
	drive(b, web.URL+"/current_time")
	for _, s := range []*quietService{web, res, auth} {
		s.stop(b)
	}
	for name, s := range map[string]*quietService{"as-conns": auth, "rs-conns": res, "wa-conns": web} {
		b.ReportMetric(float64(acceptedConnections(b, s.Service)), name)
	}
}

// acceptedConnections reads the count a service logs when it stops.
func acceptedConnections(b *testing.B, s *servicetest.Service) int64 {
	for _, l := range s.Logs.Lines(b) {
		if l["msg"] == "stopped" {
			return int64(l["connections_accepted"].(float64))
		}
	}
	b.Fatalf("no stopped line in\n%s", s.Logs)
	return 0
}

// drive calls url from parallelism×GOMAXPROCS goroutines, b.N times in all.
func drive(b *testing.B, url string) {
	client := httpx.NewClient(5*time.Second, nil, nil)
	defer client.Close()
	b.ReportAllocs()
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			status, body, err := client.Call(req, 1024)
			if err != nil || status != 200 || len(body) != len("2026-01-02T15:04:05Z\n") {
				b.Errorf("%d %q %v", status, body, err)
				return
			}
		}
	})
	b.StopTimer()
}

// bareServer serves h on a loopback port and counts connections.
type bareServer struct {
	url      string
	srv      *http.Server
	accepted atomic.Int64
}

func startBare(b *testing.B, h http.Handler) *bareServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	s := &bareServer{url: "http://" + ln.Addr().String()}
	// The limits every server of the system has: they are part of serving
	// HTTP safely, not of what a handler does.
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 64 << 10,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.accepted.Add(1)
			}
		}}
	go s.srv.Serve(ln)
	return s
}

func benchBare(b *testing.B) {
	tokenJSON, activeJSON := bareAnswers(b)
	auth := startBare(b, bareAuth(tokenJSON, activeJSON))
	rsClient := httpx.NewClient(5*time.Second, nil, nil)
	defer rsClient.Close()
	res := startBare(b, bareResource(auth.url, rsClient))
	authClient, resClient := httpx.NewClient(5*time.Second, nil, nil), httpx.NewClient(5*time.Second, nil, nil)
	defer authClient.Close()
	defer resClient.Close()
	web := startBare(b, bareWeb(auth.url, res.url, authClient, resClient))

	drive(b, web.url)
	for name, s := range map[string]*bareServer{"as-conns": auth, "rs-conns": res, "wa-conns": web} {
		s.srv.Close()
		b.ReportMetric(float64(s.accepted.Load()), name)
	}
}

// roundTrip sends req and decodes a 200 JSON answer into v.
func roundTrip(c *httpx.Client, req *http.Request, v any) bool {
	status, body, err := c.Call(req, 64<<10)
	return err == nil && status == 200 && json.Unmarshal(body, v) == nil
}
