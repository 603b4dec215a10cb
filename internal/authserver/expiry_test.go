package authserver

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"oauthtime/internal/logging"
	"oauthtime/internal/resourceserver"
	"oauthtime/internal/servicetest"
)

// TestExpiry: through the real resourceserver, a token of a 1 s TTL is
// good for at least its second (exp is rounded up to whole seconds) and
// refused as invalid_token before the end of the next. The authserver
// reads a manual clock, so no second is waited for.
func TestExpiry(t *testing.T) {
	t.Parallel()
	s := newTestServer(t, 10)
	st := s.base
	st.ttl = time.Second
	h, _ := build(logging.New(io.Discard, "authserver", slog.LevelInfo), st, s.clock)
	auth := httptest.NewServer(h)
	t.Cleanup(auth.Close)
	res := servicetest.Start(t, "resourceserver", resourceserver.Start, map[string]string{
		"RESOURCE_ADDR": "127.0.0.1:0", "RESOURCE_AUTH_URL": auth.URL,
	})

	s.clock.Advance(300 * time.Millisecond) // issued mid-second
	req, _ := http.NewRequest("POST", auth.URL+"/token", strings.NewReader(pwGrant))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("1234", "qwerty")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var issued struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	err = json.NewDecoder(resp.Body).Decode(&issued)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || issued.ExpiresIn != 1 {
		t.Fatalf("token: %d %+v %v", resp.StatusCode, issued, err)
	}
	tok := issued.AccessToken
	get := func() (int, string) {
		req, _ := http.NewRequest("GET", res.URL+"/current_time", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
	}
	if status, _ := get(); status != 200 {
		t.Fatalf("fresh token: %d", status)
	}
	s.clock.Advance(time.Second - time.Nanosecond)
	if status, _ := get(); status != 200 {
		t.Fatalf("token refused %v after issue, before its 1s expires_in: %d", time.Second-time.Nanosecond, status)
	}
	s.clock.Advance(time.Second + time.Nanosecond)
	if status, challenge := get(); status != 401 || !strings.Contains(challenge, `error="invalid_token"`) {
		t.Fatalf("token not refused as invalid_token 2s after issue: %d %q", status, challenge)
	}
}
