package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"oauthtime/internal/authserver"
	"oauthtime/internal/clock"
	"oauthtime/internal/httpx"
	"oauthtime/internal/jwt"
	"oauthtime/internal/requestid"
	"oauthtime/internal/resourceserver"
	"oauthtime/internal/servicetest"
	"oauthtime/internal/webapp"
	"oauthtime/internal/wire"
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
	auth := servicetest.StartQuiet(b, "authserver", authserver.Start, map[string]string{
		"AUTH_ADDR": "127.0.0.1:0", "AUTH_SIGNING_KEY": signingKey,
	})
	res := servicetest.StartQuiet(b, "resourceserver", resourceserver.Start, map[string]string{
		"RESOURCE_ADDR": "127.0.0.1:0", "RESOURCE_AUTH_URL": auth.URL,
	})
	web := servicetest.StartQuiet(b, "webapp", webapp.Start, map[string]string{
		"WEBAPP_ADDR": "127.0.0.1:0", "WEBAPP_AUTH_URL": auth.URL, "WEBAPP_RESOURCE_URL": res.URL,
	})
	drive(b, web.URL+"/current_time")
	for _, s := range []*servicetest.Service{web, res, auth} {
		if err := s.Stop(); err != nil {
			b.Fatal(err)
		}
	}
	for name, s := range map[string]*servicetest.Service{"as-conns": auth, "rs-conns": res, "wa-conns": web} {
		b.ReportMetric(float64(acceptedConnections(b, s)), name)
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
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			body, err := httpx.ReadBody(resp, 1024)
			if err != nil || resp.StatusCode != 200 || len(body) != len("2026-01-02T15:04:05Z\n") {
				b.Errorf("%d %q %v", resp.StatusCode, body, err)
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
	// The same bytes on the wire as the real services send: a real token,
	// the real introspection answer, the request ID forwarded on every call
	// and echoed on every answer, no-store on token and introspection.
	key, err := jwt.NewKey([]byte(signingKey))
	if err != nil {
		b.Fatal(err)
	}
	tok, err := jwt.NewIssuer(key, "http://localhost:5001", "resourceserver", 5*time.Second, clock.System{}).Issue("bob", "1234", "current_time")
	if err != nil {
		b.Fatal(err)
	}
	tokenJSON := `{"access_token":"` + tok.Raw.Reveal() + `","token_type":"Bearer","expires_in":5,"scope":"current_time"}` + "\n"
	activeJSON := fmt.Sprintf(`{"active":true,"scope":"current_time","client_id":"1234","username":"bob","token_type":"Bearer","exp":%d,"iat":%d,"sub":"bob","aud":"resourceserver","iss":"http://localhost:5001","jti":"%s"}`+"\n",
		tok.Expiry.Unix(), tok.IssuedAt.Unix(), tok.ID)
	writeJSON := func(w http.ResponseWriter, r *http.Request, body string, noStore bool) {
		w.Header().Set(requestid.Header, r.Header.Get(requestid.Header))
		if noStore {
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Pragma", "no-cache")
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, body)
	}
	authMux := http.NewServeMux()
	authMux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		writeJSON(w, r, tokenJSON, true)
	})
	authMux.HandleFunc("POST /introspect", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		writeJSON(w, r, activeJSON, true)
	})
	auth := startBare(b, authMux)

	rsClient := httpx.NewClient(5*time.Second, nil, nil)
	defer rsClient.Close()
	rsAuth := wire.BasicAuthorization("resourceserver", "resourceserver-secret")
	res := startBare(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		req, _ := http.NewRequest(http.MethodPost, auth.url+"/introspect", strings.NewReader("token="+url.QueryEscape(tok)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", rsAuth)
		req.Header.Set(requestid.Header, r.Header.Get(requestid.Header))
		var info struct {
			Active bool `json:"active"`
		}
		if !roundTrip(rsClient, req, &info) || !info.Active {
			http.Error(w, "introspection failed", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, r, `{"current_time":"2026-01-02T15:04:05Z"}`+"\n", false)
	}))

	authClient, resClient := httpx.NewClient(5*time.Second, nil, nil), httpx.NewClient(5*time.Second, nil, nil)
	defer authClient.Close()
	defer resClient.Close()
	webAuth := wire.BasicAuthorization("1234", "qwerty")
	const id = "0123456789abcdef0123456789abcdef"
	web := startBare(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form := url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"bob-pass"}, "scope": {"current_time"}}
		req, _ := http.NewRequest(http.MethodPost, auth.url+"/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", webAuth)
		req.Header.Set(requestid.Header, id)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if !roundTrip(authClient, req, &tok) {
			http.Error(w, "token failed", http.StatusBadGateway)
			return
		}
		req, _ = http.NewRequest(http.MethodGet, res.url+"/current_time", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		req.Header.Set(requestid.Header, id)
		var ct struct {
			CurrentTime string `json:"current_time"`
		}
		if !roundTrip(resClient, req, &ct) {
			http.Error(w, "resource failed", http.StatusBadGateway)
			return
		}
		w.Header().Set(requestid.Header, id)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, ct.CurrentTime+"\n")
	}))

	drive(b, web.url)
	for name, s := range map[string]*bareServer{"as-conns": auth, "rs-conns": res, "wa-conns": web} {
		s.srv.Close()
		b.ReportMetric(float64(s.accepted.Load()), name)
	}
}

// roundTrip sends req and decodes a 200 JSON answer into v.
func roundTrip(c *httpx.Client, req *http.Request, v any) bool {
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	body, err := httpx.ReadBody(resp, 64<<10)
	return err == nil && resp.StatusCode == 200 && json.Unmarshal(body, v) == nil
}
