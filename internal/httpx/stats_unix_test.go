//go:build unix

package httpx

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"oauthtime/internal/servicetest"
)

// TestStatsOnSIGUSR1: kill -USR1 makes a running server log its stats.
func TestStatsOnSIGUSR1(t *testing.T) {
	t.Parallel()
	s := servicetest.Start(t, "test", serveWith(ServerConfig{}, HandleHealthz()), nil)
	resp, err := http.Get(s.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		for _, l := range s.Logs.Lines(t) {
			if l["msg"] == "stats" {
				if l["goroutines"].(float64) < 1 || l["connections_accepted"].(float64) < 1 {
					t.Errorf("stats line = %v", l)
				}
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no stats line:\n%s", strings.TrimSpace(s.Logs.String()))
}
