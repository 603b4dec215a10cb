package authserver

import (
	"encoding/json"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"oauthtime/internal/logging"
)

// expiryMargin is how much earlier than expires_in golang.org/x/oauth2
// treats a token as expired (its expiryDelta).
const expiryMargin = 10 * time.Second

// marginClient is a client in the manner of golang.org/x/oauth2: it keeps a
// token and, once the token is within expiryMargin of expiring, gets a new
// one with the password grant (there being no refresh token).
type marginClient struct {
	s       testServer
	token   string
	expires time.Time
	grants  int
}

func (c *marginClient) use(t *testing.T) string {
	t.Helper()
	if c.token == "" || !c.expires.Add(-expiryMargin).After(c.s.clock.Now()) {
		c.token, c.expires = c.s.grant(t)
		c.grants++
	}
	return c.token
}

// grant gets a token with the password grant and says when it expires.
func (s testServer) grant(t *testing.T) (string, time.Time) {
	t.Helper()
	w := s.do(t, request{path: "/token", basic: "1234:qwerty", body: pwGrant + "&scope=current_time"})
	var body struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &body) != nil {
		t.Fatalf("token request: %d %s", w.Code, w.Body)
	}
	return body.AccessToken, s.clock.Now().Add(time.Duration(body.ExpiresIn) * time.Second)
}

func (s testServer) active(t *testing.T, token string) bool {
	t.Helper()
	w := s.do(t, request{path: "/introspect", basic: "resourceserver:resourceserver-secret", body: "token=" + url.QueryEscape(token)})
	var body struct{ Active bool }
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	return body.Active
}

// TestClientAdvice proves what README.md advises for clients such as
// golang.org/x/oauth2, with 20 seconds of calls, one every 250 ms:
// a token per call works with the default 5 s tokens; a kept token works
// when AUTH_TOKEN_TTL is well over the client's 10 s margin; a kept token
// with 5 s tokens is expired, to such a client, the moment it arrives.
func TestClientAdvice(t *testing.T) {
	t.Parallel()
	withTTL := func(ttl time.Duration) testServer {
		s := newTestServer(t, 10)
		st := s.base
		st.ttl = ttl
		s.h, _ = build(logging.New(s.logs, "authserver", slog.LevelDebug), st, s.clock)
		return s
	}
	const calls, every = 80, 250 * time.Millisecond // 20 s

	t.Run("a token per call, 5s tokens", func(t *testing.T) {
		s := withTTL(5 * time.Second)
		for i := 0; i < calls; i++ {
			tok, _ := s.grant(t) // PasswordCredentialsToken, then StaticTokenSource
			if !s.active(t, tok) {
				t.Fatalf("call %d: token inactive", i)
			}
			s.clock.Advance(every)
		}
	})
	t.Run("a kept token, 15s tokens", func(t *testing.T) {
		s := withTTL(15 * time.Second)
		c := &marginClient{s: s}
		for i := 0; i < calls; i++ {
			if tok := c.use(t); !s.active(t, tok) {
				t.Fatalf("call %d at +%v: token inactive", i, time.Duration(i)*every)
			}
			s.clock.Advance(every)
		}
		if c.grants < 2 {
			t.Fatalf("%d grants in 20 s of 15s tokens with a 10 s margin, want a new one on expiry", c.grants)
		}
	})
	t.Run("a kept token, 5s tokens, is expired on arrival", func(t *testing.T) {
		s := withTTL(5 * time.Second)
		_, expires := s.grant(t)
		if expires.Add(-expiryMargin).After(s.clock.Now()) {
			t.Fatal("a 5 s token is not within a 10 s margin of expiry: the README's warning is wrong")
		}
	})
}
