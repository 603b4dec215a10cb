package oauth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/jwt"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

const testIssuer = "http://localhost:5001"

var testNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

type fixture struct {
	svc      *Service
	clock    *clock.Manual
	issuer   *jwt.Issuer
	verifier *jwt.Verifier
}

func newFixture(t *testing.T, maxFailures int) fixture {
	t.Helper()
	reg, err := NewRegistry(append(DefaultClients(),
		ClientConfig{ClientID: "noscope", ClientSecret: secret.New("s"), GrantTypes: []string{wire.GrantPassword}},
		ClientConfig{ClientID: "nogrant", ClientSecret: secret.New("s"), Scope: "current_time"},
	))
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwt.NewKey([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(testNow)
	iss := jwt.NewIssuer(key, testIssuer, "resourceserver", 5*time.Second, clk)
	ver := jwt.NewVerifier(key, testIssuer, clk)
	return fixture{
		svc:   NewService(reg, iss, ver, NewLimiter(maxFailures, time.Minute, clk)),
		clock: clk, issuer: iss, verifier: ver,
	}
}

func webapp() Credentials { return Credentials{ID: "1234", Secret: secret.New("qwerty")} }
func rs() Credentials {
	return Credentials{ID: "resourceserver", Secret: secret.New("resourceserver-secret")}
}

func passwordRequest() TokenRequest {
	return TokenRequest{Client: webapp(), Caller: "192.0.2.1", GrantType: "password", Username: "bob", Password: secret.New("pw")}
}

func TestToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		edit      func(*TokenRequest)
		wantCode  string
		wantKind  Kind
		wantScope string
	}{
		{"granted with the client's whole scope", func(*TokenRequest) {}, "", 0, "current_time epoch_time"},
		{"6749-14 narrower scope", func(r *TokenRequest) { r.Scope = "epoch_time" }, "", 0, "epoch_time"},
		{"scope reordered and repeated", func(r *TokenRequest) { r.Scope = "epoch_time current_time epoch_time" }, "", 0, "current_time epoch_time"},
		{"scope of only spaces is the default", func(r *TokenRequest) { r.Scope = "  " }, "", 0, "current_time epoch_time"},
		{"any user and password", func(r *TokenRequest) { r.Username, r.Password = "alice", secret.New("x") }, "", 0, "current_time epoch_time"},
		{"6749-13 no client authentication", func(r *TokenRequest) { r.Client = Credentials{} }, wire.CodeInvalidClient, KindUnauthenticated, ""},
		{"unknown client", func(r *TokenRequest) { r.Client.ID = "nobody" }, wire.CodeInvalidClient, KindUnauthenticated, ""},
		{"wrong secret", func(r *TokenRequest) { r.Client.Secret = secret.New("QWERTY") }, wire.CodeInvalidClient, KindUnauthenticated, ""},
		{"no secret", func(r *TokenRequest) { r.Client.Secret = secret.String{} }, wire.CodeInvalidClient, KindUnauthenticated, ""},
		{"6749-16 grant_type missing", func(r *TokenRequest) { r.GrantType = "" }, wire.CodeInvalidRequest, KindInvalid, ""},
		{"grant_type client_credentials", func(r *TokenRequest) { r.GrantType = "client_credentials" }, wire.CodeUnsupportedGrantType, KindInvalid, ""},
		{"grant_type PASSWORD", func(r *TokenRequest) { r.GrantType = "PASSWORD" }, wire.CodeUnsupportedGrantType, KindInvalid, ""},
		{"client not registered for password", func(r *TokenRequest) { r.Client = rs() }, wire.CodeUnauthorizedClient, KindInvalid, ""},
		{"client without grant types", func(r *TokenRequest) { r.Client = Credentials{ID: "nogrant", Secret: secret.New("s")} }, wire.CodeUnauthorizedClient, KindInvalid, ""},
		{"6749-16 username missing", func(r *TokenRequest) { r.Username = "" }, wire.CodeInvalidRequest, KindInvalid, ""},
		{"6749-16 password missing", func(r *TokenRequest) { r.Password = secret.String{} }, wire.CodeInvalidRequest, KindInvalid, ""},
		{"username not UTF-8", func(r *TokenRequest) { r.Username = "b\xffb" }, wire.CodeInvalidRequest, KindInvalid, ""},
		{"username with NUL", func(r *TokenRequest) { r.Username = "b\x00b" }, wire.CodeInvalidRequest, KindInvalid, ""},
		{"username with LF", func(r *TokenRequest) { r.Username = "bob\nINFO fake" }, wire.CodeInvalidRequest, KindInvalid, ""},
		{"username too long for a token", func(r *TokenRequest) { r.Username = strings.Repeat("u", 5000) }, wire.CodeInvalidRequest, KindInvalid, ""},
		{"unknown scope", func(r *TokenRequest) { r.Scope = "admin" }, wire.CodeInvalidScope, KindInvalid, ""},
		{"scope beyond the client's", func(r *TokenRequest) { r.Scope = "current_time admin" }, wire.CodeInvalidScope, KindInvalid, ""},
		{"scope case differs", func(r *TokenRequest) { r.Scope = "Current_Time" }, wire.CodeInvalidScope, KindInvalid, ""},
		{"scope malformed", func(r *TokenRequest) { r.Scope = "current_time\tepoch_time" }, wire.CodeInvalidScope, KindInvalid, ""},
		{"6749-14 no scope and no default", func(r *TokenRequest) { r.Client = Credentials{ID: "noscope", Secret: secret.New("s")} }, wire.CodeInvalidScope, KindInvalid, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 0)
			req := passwordRequest()
			tt.edit(&req)
			resp, err := f.svc.Token(context.Background(), req)
			if tt.wantCode != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tt.wantCode || e.Kind != tt.wantKind {
					t.Fatalf("Token error = %v, want %s (kind %d)", err, tt.wantCode, tt.wantKind)
				}
				checkDescription(t, e.Description)
				return
			}
			if err != nil {
				t.Fatalf("Token error = %v", err)
			}
			if resp.TokenType != "Bearer" || resp.ExpiresIn != 5 || resp.Scope != tt.wantScope || resp.ID == "" {
				t.Errorf("response = %+v", resp)
			}
			c, err := f.verifier.Verify(resp.AccessToken.Reveal())
			if err != nil {
				t.Fatalf("issued token does not verify: %v", err)
			}
			if c.Subject != req.Username || c.ClientID != "1234" || c.Scope != tt.wantScope || !slices.Contains(c.Audience, "resourceserver") {
				t.Errorf("claims = %+v", c)
			}
		})
	}
}

// checkDescription holds a description to RFC 6749 §5.2's character set
// (6749-28).
func checkDescription(t *testing.T, d string) {
	t.Helper()
	if d == "" {
		t.Error("empty error_description")
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			t.Errorf("error_description %q has %q", d, c)
		}
	}
}

func TestIntrospect(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	good, err := f.svc.Token(context.Background(), passwordRequest())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		req        IntrospectRequest
		wantCode   string
		wantKind   Kind
		wantActive bool
	}{
		{"7662-03 active", IntrospectRequest{Client: rs(), Token: good.AccessToken}, "", 0, true},
		{"7662-08 garbage is inactive", IntrospectRequest{Client: rs(), Token: secret.New("garbage")}, "", 0, false},
		{"7662-08 tampered is inactive", IntrospectRequest{Client: rs(), Token: secret.New(good.AccessToken.Reveal() + "x")}, "", 0, false},
		{"7662-09 no client authentication", IntrospectRequest{Token: good.AccessToken}, wire.CodeInvalidClient, KindUnauthenticated, false},
		{"7662-07 wrong secret", IntrospectRequest{Client: Credentials{ID: "resourceserver", Secret: secret.New("x")}, Token: good.AccessToken}, wire.CodeInvalidClient, KindUnauthenticated, false},
		{"7662-10 client without the right", IntrospectRequest{Client: webapp(), Token: good.AccessToken}, wire.CodeUnauthorizedClient, KindForbidden, false},
		{"7662-01 token missing", IntrospectRequest{Client: rs()}, wire.CodeInvalidRequest, KindInvalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := f.svc.Introspect(context.Background(), tt.req)
			if tt.wantCode != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tt.wantCode || e.Kind != tt.wantKind {
					t.Fatalf("Introspect error = %v, want %s", err, tt.wantCode)
				}
				return
			}
			if err != nil || got.Active != tt.wantActive {
				t.Fatalf("Introspect = %+v, %v; want active %v", got, err, tt.wantActive)
			}
			if got.Active && (got.Claims.Subject != "bob" || got.Claims.ClientID != "1234") {
				t.Errorf("claims = %+v", got.Claims)
			}
			if !got.Active && got.Reason == nil {
				t.Error("an inactive answer carries no reason for the log")
			}
		})
	}
}

func TestIntrospectExpired(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 0)
	resp, err := f.svc.Token(context.Background(), passwordRequest())
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(5 * time.Second)
	got, err := f.svc.Introspect(context.Background(), IntrospectRequest{Client: rs(), Token: resp.AccessToken})
	if err != nil || got.Active || !errors.Is(got.Reason, jwt.ErrExpired) {
		t.Fatalf("Introspect(expired) = %+v, %v", got, err)
	}
}

// TestBruteForceLimit covers 6749-07 and 6749-19: failures at either
// endpoint count together, good credentials are refused too once the limit
// is reached, and the window frees up.
func TestBruteForceLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 3)
	ctx := context.Background()
	bad := passwordRequest()
	bad.Client.Secret = secret.New("guess")
	for i := 0; i < 2; i++ {
		if _, err := f.svc.Token(ctx, bad); !isCode(err, wire.CodeInvalidClient) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	f.clock.Advance(10 * time.Second)
	if _, err := f.svc.Introspect(ctx, IntrospectRequest{Client: Credentials{ID: "resourceserver", Secret: secret.New("guess")}, Caller: bad.Caller, Token: secret.New("t")}); !isCode(err, wire.CodeInvalidClient) {
		t.Fatalf("third failure: %v", err)
	}
	err := f.svc.Admit(bad.Caller)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindRateLimited || e.RetryAfter != 50*time.Second {
		t.Fatalf("Admit after 3 failures = %v, want rate limited with 50s to wait", err)
	}
	if err := f.svc.Admit("198.51.100.7"); err != nil {
		t.Fatalf("another caller is limited too: %v", err)
	}
	// Presenting no credentials is not an attempt.
	none := passwordRequest()
	none.Client, none.Caller = Credentials{}, "198.51.100.7"
	for i := 0; i < 5; i++ {
		_, _ = f.svc.Token(ctx, none)
	}
	if err := f.svc.Admit(none.Caller); err != nil {
		t.Fatalf("requests without credentials were counted: %v", err)
	}
	f.clock.Advance(50 * time.Second) // the first failure leaves the window
	if err := f.svc.Admit(bad.Caller); err != nil {
		t.Fatalf("still limited after the window: %v", err)
	}
}

func TestLimiterOff(t *testing.T) {
	t.Parallel()
	var l *Limiter = NewLimiter(0, time.Minute, clock.System{})
	for i := 0; i < 100; i++ {
		if ok, err := l.Attempt("x", func() bool { return false }); ok || err != nil {
			t.Fatalf("attempt %d: %v %v", i, ok, err)
		}
	}
	if err := l.Admit("x"); err != nil {
		t.Fatal(err)
	}
}

func TestLimiterForgets(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(testNow)
	l := NewLimiter(2, time.Minute, clk)
	fail := func() bool { return false }
	for i := 0; i < 1000; i++ {
		l.Attempt(strings.Repeat("x", i%50)+"caller", fail)
	}
	clk.Advance(time.Minute)
	l.Attempt("new", fail)
	if n := l.failing.len() + l.blocked.len(); n != 1 {
		t.Fatalf("limiter still tracks %d callers", n)
	}
}

// TestRFC6749_2_3_1_LimitHoldsUnderRace covers 6749-07: however many
// attempts are in flight at once, a caller gets at most max failing
// secret comparisons per window; the rest are refused without one.
func TestRFC6749_2_3_1_LimitHoldsUnderRace(t *testing.T) {
	t.Parallel()
	const max, attempts = 10, 500
	f := newFixture(t, max)
	bad := passwordRequest()
	bad.Client.Secret = secret.New("guess")
	var (
		wg            sync.WaitGroup
		mu            sync.Mutex
		failed, limit int
	)
	start := make(chan struct{})
	for i := 0; i < attempts; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := f.svc.Token(context.Background(), bad)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case isCode(err, wire.CodeInvalidClient):
				failed++
			case isCode(err, wire.CodeTemporarilyUnavailable):
				limit++
			default:
				t.Errorf("unexpected answer %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if failed != max || limit != attempts-max {
		t.Fatalf("%d failed comparisons and %d refusals, want %d and %d", failed, limit, max, attempts-max)
	}
}

// TestLimiterEviction: when the failing set is full, the caller that failed
// least recently is forgotten; a blocked caller never is, and a caller that
// has not failed is never refused for lack of room.
func TestLimiterEviction(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(testNow)
	l := NewLimiter(2, time.Minute, clk)
	l.failCap = 2
	fail := func() bool { return false }
	attempt := func(caller string) error {
		t.Helper()
		_, err := l.Attempt(caller, fail)
		return err
	}
	attempt("once") // one failure: not blocked
	clk.Advance(time.Second)
	attempt("blocked")
	attempt("blocked")
	clk.Advance(time.Second)
	attempt("twice")
	if err := attempt("new"); err != nil { // evicts "once", the least recent
		t.Fatalf("new caller refused while an unblocked record could go: %v", err)
	}
	if _, tracked := l.failing.byCaller["once"]; tracked {
		t.Fatal("the least recently failing record was kept")
	}
	for i := 0; i < 10; i++ { // a flood of single failures
		if err := attempt(fmt.Sprint("flood", i)); err != nil {
			t.Fatalf("flood caller %d refused: %v", i, err)
		}
	}
	if err := l.Admit("blocked"); err == nil {
		t.Fatal("a blocked caller was freed by eviction")
	}
	if ok, err := l.Attempt("stranger", func() bool { return true }); !ok || err != nil {
		t.Fatalf("a caller that never failed: %v %v, want compared and admitted", ok, err)
	}
	clk.Advance(59 * time.Second) // "blocked" frees up
	if err := l.Admit("blocked"); err != nil {
		t.Fatalf("still refused after the blocked caller's window: %v", err)
	}
}

// TestLimiterBlockedStaysExact: a blocked caller whose oldest failure
// leaves the window keeps its newer ones: one more failure blocks it again.
func TestLimiterBlockedStaysExact(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(testNow)
	l := NewLimiter(3, time.Minute, clk)
	fail := func() bool { return false }
	for i := 0; i < 3; i++ {
		l.Attempt("c", fail)
		clk.Advance(10 * time.Second)
	}
	var e *Error
	if err := l.Admit("c"); !errors.As(err, &e) || e.RetryAfter != 30*time.Second {
		t.Fatalf("blocked caller: %v, want rate limited for 30s", err)
	}
	clk.Advance(30 * time.Second) // the first failure leaves the window
	if _, err := l.Attempt("c", fail); err != nil {
		t.Fatalf("one failure after the window freed up: %v", err)
	}
	if err := l.Admit("c"); err == nil {
		t.Fatal("three failures within a minute, and the caller is not blocked")
	}
}

// TestLimiterBlockedSetFull: with the blocked set full, a caller that
// reaches the limit is still refused, from the failing set.
func TestLimiterBlockedSetFull(t *testing.T) {
	t.Parallel()
	clk := clock.NewManual(testNow)
	l := NewLimiter(2, time.Minute, clk)
	l.blockCap = 1
	fail := func() bool { return false }
	for _, c := range []string{"a", "a", "b", "b"} {
		l.Attempt(c, fail)
	}
	if l.blocked.len() != 1 || l.failing.len() != 1 {
		t.Fatalf("blocked %d, failing %d, want 1 and 1", l.blocked.len(), l.failing.len())
	}
	for _, c := range []string{"a", "b"} {
		if err := l.Admit(c); err == nil {
			t.Fatalf("%s not blocked", c)
		}
	}
}

// TestLimiterFlood reproduces the attack of a full table: one caller
// blocked, then 100,000 single failures from new callers. A new caller
// with good credentials is still compared and admitted, and the blocked
// caller is still blocked.
func TestLimiterFlood(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 10)
	bad := passwordRequest()
	bad.Client.Secret = secret.New("guess")
	bad.Caller = "192.0.2.1"
	for i := 0; i < 10; i++ {
		f.svc.Token(context.Background(), bad)
	}
	for i := 0; i < maxFailing+1; i++ {
		bad.Caller = fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&0xff, i&0xff)
		if _, err := f.svc.Token(context.Background(), bad); !isCode(err, wire.CodeInvalidClient) {
			t.Fatalf("flood request %d: %v, want invalid_client", i, err)
		}
	}
	good := passwordRequest()
	good.Caller = "198.51.100.99"
	if _, err := f.svc.Token(context.Background(), good); err != nil {
		t.Fatalf("good credentials from a new caller after the flood: %v", err)
	}
	if err := f.svc.Admit("192.0.2.1"); err == nil {
		t.Fatal("the blocked caller was freed by the flood")
	}
}

// TestAuthFailureSameWork: a wrong secret for a known client and an unknown
// client ID do the same work (here: the same allocations), so their timing
// does not tell which client IDs exist.
func TestAuthFailureSameWork(t *testing.T) {
	f := newFixture(t, 0)
	known := passwordRequest()
	known.Client.Secret = secret.New("guess")
	unknown := passwordRequest()
	unknown.Client.ID = "9999"
	allocs := func(req TokenRequest) float64 {
		return testing.AllocsPerRun(200, func() {
			if _, err := f.svc.Token(context.Background(), req); !isCode(err, wire.CodeInvalidClient) {
				t.Fatal(err)
			}
		})
	}
	if k, u := allocs(known), allocs(unknown); k != u {
		t.Fatalf("wrong secret: %v allocations, unknown client: %v", k, u)
	}
}

// BenchmarkLimiter shows that a check costs the same with 10 or 100,000
// callers tracked: go test -run '^$' -bench Limiter ./internal/oauth
func BenchmarkLimiter(b *testing.B) {
	for _, tracked := range []int{10, 100_000} {
		b.Run(fmt.Sprintf("tracked=%d", tracked), func(b *testing.B) {
			clk := clock.NewManual(testNow)
			l := NewLimiter(10, time.Minute, clk)
			fail := func() bool { return false }
			callers := make([]string, tracked)
			for i := range callers {
				callers[i] = fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&0xff, i&0xff)
				l.Attempt(callers[i], fail)
			}
			fresh := make([]string, 1<<16)
			for i := range fresh {
				fresh[i] = fmt.Sprintf("2001:db8:%x::/64", i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// A tracked caller admitted, and a failure from a new one,
				// which at 100,000 evicts the oldest record.
				if err := l.Admit(callers[i%tracked]); err != nil {
					b.Fatal(err)
				}
				l.Attempt(fresh[i%len(fresh)], fail)
			}
		})
	}
}

func isCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
