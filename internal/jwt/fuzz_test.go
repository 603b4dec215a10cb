package jwt

import (
	"testing"
	"time"

	"oauthtime/internal/clock"
)

// FuzzVerify: the verifier never panics, and whatever it accepts is
// byte-identical to what the signer makes of the header and claims inside
// it, so no second encoding of a signed token is ever accepted.
func FuzzVerify(f *testing.F) {
	key := testKey(f, 1)
	clk := clock.NewManual(testNow)
	iss := NewIssuer(key, testIssuer, testAudience, 5*time.Second, clk)
	ver := NewVerifier(key, testIssuer, clk)
	for _, sub := range []string{"bob", "a\"b", "émile"} {
		tok, err := iss.Issue(sub, "1234", "current_time epoch_time")
		if err != nil {
			f.Fatal(err)
		}
		raw := tok.Raw.Reveal()
		f.Add(raw)
		f.Add(raw + "=")
		f.Add(raw[:len(raw)-3])
	}
	f.Add(key.Sign([]byte(`{"alg":"none","typ":"at+jwt"}`), []byte(object(goodClaims()))))
	f.Add(key.Sign([]byte(goodHeader), []byte(object(with("x", `[[{"a":"\u00e9"}]]`)))))
	// Headers that name a key: another, none, not as a string, twice.
	for _, h := range []string{
		`{"alg":"HS256","typ":"at+jwt","kid":"` + kid2 + `"}`,
		`{"kid":"` + kid1 + `","typ":"at+jwt","alg":"HS256"}`,
		`{"alg":"HS256","typ":"at+jwt","kid":{"k":"` + kid1 + `"}}`,
		`{"alg":"HS256","typ":"at+jwt","kid":"` + kid1 + `","kid":"x"}`,
		`{"alg":"HS256","typ":"at+jwt","kid":"` + kid1 + `\u0000"}`,
	} {
		f.Add(key.Sign([]byte(h), []byte(object(goodClaims()))))
	}
	f.Add("eyJ.eyJ.AAAA")
	f.Add("...")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := ver.Verify(token)
		if err != nil {
			return
		}
		h, p, err := key.Verify(token)
		if err != nil {
			t.Fatalf("Verifier accepted what Key.Verify rejects: %v", err)
		}
		if again := key.Sign(h, p); again != token {
			t.Fatalf("accepted %q, but the signer makes %q of it", token, again)
		}
		if c.Subject == "" || c.ClientID == "" || len(c.Audience) == 0 {
			t.Fatalf("accepted a token with empty claims: %+v", c)
		}
	})
}
