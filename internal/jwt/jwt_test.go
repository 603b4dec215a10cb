package jwt

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/wire"
)

const (
	testIssuer   = "http://localhost:5001"
	testAudience = "resourceserver"
)

// testNow is the fixed time the tests run at.
var testNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

func testKey(t testing.TB, fill byte) *Key {
	t.Helper()
	k, err := NewKey(bytes.Repeat([]byte{fill}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestNewKeyRefusesShortKeys(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 16, 31} {
		if _, err := NewKey(make([]byte, n)); !errors.Is(err, ErrWeakKey) {
			t.Errorf("NewKey(%d bytes) error = %v, want ErrWeakKey", n, err)
		}
	}
	if _, err := NewKey(make([]byte, 32)); err != nil {
		t.Errorf("NewKey(32 bytes) error = %v", err)
	}
}

// TestRFC7515A1 checks the signature layer against the RFC's own example and
// that the same token is still no access token.
func TestRFC7515A1(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/jws-hs256-rfc7515-a1.json")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		KeyHex  string `json:"key_hex"`
		Header  string `json:"protected_header_json"`
		Payload string `json:"payload_json"`
		Compact string `json:"compact"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	secret, err := hex.DecodeString(v.KeyHex)
	if err != nil {
		t.Fatal(err)
	}
	key, err := NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	h, p, err := key.Verify(v.Compact)
	if err != nil {
		t.Fatalf("Verify(RFC 7515 A.1) = %v, want success", err)
	}
	if string(h) != v.Header || string(p) != v.Payload {
		t.Errorf("Verify decoded header %q payload %q, want %q and %q", h, p, v.Header, v.Payload)
	}
	if got := key.Sign([]byte(v.Header), []byte(v.Payload)); got != v.Compact {
		t.Errorf("Sign = %s, want %s", got, v.Compact)
	}

	// As an access token it fails on typ, and on exp in 2011 at any later time.
	before := time.Unix(1300819380-10, 0)
	if _, err := NewVerifier(key, "joe", clock.NewManual(before)).Verify(v.Compact); !errors.Is(err, ErrType) {
		t.Errorf("Verifier.Verify(RFC 7515 A.1) = %v, want ErrType", err)
	}
	other := testKey(t, 7)
	if _, _, err := other.Verify(v.Compact); !errors.Is(err, ErrSignature) {
		t.Errorf("Verify under another key = %v, want ErrSignature", err)
	}
}

func TestIssueVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	key := testKey(t, 1)
	clk := clock.NewManual(testNow)
	iss := NewIssuer(key, testIssuer, testAudience, 5*time.Second, clk)
	ver := NewVerifier(key, testIssuer, clk)

	subjects := []string{"bob", `quo"te\back`, "tab\tnl\n\x01", "émile 東京 🙂", "\u2028"}
	for _, sub := range subjects {
		tok, err := iss.Issue(sub, "1234", "current_time epoch_time")
		if err != nil {
			t.Fatal(err)
		}
		c, err := ver.Verify(tok.Raw.Reveal())
		if err != nil {
			t.Fatalf("Verify(Issue(%q)) = %v", sub, err)
		}
		want := Claims{
			Issuer: testIssuer, Subject: sub, Audience: []string{testAudience},
			ClientID: "1234", Scope: "current_time epoch_time",
			IssuedAt: testNow.Unix(), Expiry: testNow.Unix() + 5, ID: tok.ID,
		}
		if fmt.Sprint(c) != fmt.Sprint(want) {
			t.Errorf("claims = %+v, want %+v", c, want)
		}
		if len(tok.ID) < 22 || !tok.Expiry.Equal(testNow.Add(5*time.Second)) || !tok.IssuedAt.Equal(testNow) {
			t.Errorf("token metadata = %+v", tok)
		}
		// encoding/json must read the claims the same way.
		hdr, payload, err := key.Verify(tok.Raw.Reveal())
		if err != nil {
			t.Fatal(err)
		}
		if string(hdr) != goodHeader { // 9068-04, with the kid of the key
			t.Errorf("header = %s", hdr)
		}
		var std map[string]any
		if err := json.Unmarshal(payload, &std); err != nil || std["sub"] != sub || std["jti"] != tok.ID {
			t.Errorf("encoding/json reads %s as %v (err %v)", payload, std, err)
		}
	}
}

func TestIssueUniqueIDs(t *testing.T) {
	t.Parallel()
	iss := NewIssuer(testKey(t, 1), testIssuer, testAudience, 5*time.Second, clock.NewManual(testNow))
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		tok, err := iss.Issue("bob", "1234", "current_time")
		if err != nil {
			t.Fatal(err)
		}
		if seen[tok.ID] {
			t.Fatalf("jti %s issued twice", tok.ID)
		}
		seen[tok.ID] = true
	}
}

func TestIssueRefusesOversizedToken(t *testing.T) {
	t.Parallel()
	iss := NewIssuer(testKey(t, 1), testIssuer, testAudience, 5*time.Second, clock.NewManual(testNow))
	if _, err := iss.Issue(strings.Repeat("a", wire.MaxTokenSize), "1234", "current_time"); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Issue(huge subject) error = %v, want ErrTooLarge", err)
	}
}

func TestTTLBoundaries(t *testing.T) {
	t.Parallel()
	key := testKey(t, 1)
	clk := clock.NewManual(testNow)
	tok, err := NewIssuer(key, testIssuer, testAudience, 5*time.Second, clk).Issue("bob", "1234", "s")
	if err != nil {
		t.Fatal(err)
	}
	ver := NewVerifier(key, testIssuer, clk)
	steps := []struct {
		advance time.Duration
		want    error
	}{
		{0, nil},
		{4999 * time.Millisecond, nil},
		{time.Millisecond, ErrExpired}, // exactly exp: no leeway
		{time.Hour, ErrExpired},
	}
	for _, s := range steps {
		clk.Advance(s.advance)
		if _, err := ver.Verify(tok.Raw.Reveal()); !errors.Is(err, s.want) && !(s.want == nil && err == nil) {
			t.Errorf("at %v: Verify = %v, want %v", clk.Now().Sub(testNow), err, s.want)
		}
	}
}

// TestLifetimeAtLeastExpiresIn: a token issued at any fraction of a second
// is active for at least its ExpiresIn (expires_in) from then, at every
// allowed TTL, and not a second more.
func TestLifetimeAtLeastExpiresIn(t *testing.T) {
	t.Parallel()
	key := testKey(t, 1)
	for _, ttl := range []time.Duration{time.Second, 5 * time.Second, 1500 * time.Millisecond, time.Hour} {
		for _, frac := range []time.Duration{0, time.Nanosecond, 500 * time.Millisecond, 999 * time.Millisecond, time.Second - time.Nanosecond} {
			issued := testNow.Add(frac)
			clk := clock.NewManual(issued)
			tok, err := NewIssuer(key, testIssuer, testAudience, ttl, clk).Issue("bob", "1234", "s")
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(ttl / time.Second); tok.ExpiresIn != want {
				t.Fatalf("ttl %v: ExpiresIn = %d, want %d", ttl, tok.ExpiresIn, want)
			}
			ver := NewVerifier(key, testIssuer, clk)
			promised := time.Duration(tok.ExpiresIn) * time.Second
			clk.Advance(promised - time.Nanosecond) // the last instant of the promise
			if _, err := ver.Verify(tok.Raw.Reveal()); err != nil {
				t.Errorf("ttl %v, issued at +%v: inactive %v after issue: %v", ttl, frac, promised-time.Nanosecond, err)
			}
			clk.Advance(time.Second + time.Nanosecond)
			if _, err := ver.Verify(tok.Raw.Reveal()); !errors.Is(err, ErrExpired) {
				t.Errorf("ttl %v, issued at +%v: still active a second past its promise: %v", ttl, frac, err)
			}
		}
	}
}

// member is one claim as raw JSON, so tests can write any value.
type member struct{ name, value string }

func goodClaims() []member {
	return []member{
		{"iss", `"` + testIssuer + `"`},
		{"sub", `"bob"`},
		{"aud", `"` + testAudience + `"`},
		{"client_id", `"1234"`},
		{"scope", `"current_time"`},
		{"iat", fmt.Sprint(testNow.Unix())},
		{"exp", fmt.Sprint(testNow.Unix() + 5)},
		{"jti", `"c2VjcmV0IGlkIDEyMzQ1Ng"`},
	}
}

func object(ms []member) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = `"` + m.name + `":` + m.value // names are written raw, escapes and all
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func without(name string) []member {
	var out []member
	for _, m := range goodClaims() {
		if m.name != name {
			out = append(out, m)
		}
	}
	return out
}

func with(name, value string) []member {
	out := without(name)
	return append(out, member{name, value})
}

// kid1 and kid2 are the kids of testKey(t, 1) and testKey(t, 2): base64url
// of the first 12 bytes of SHA-256 of 32 bytes of 0x01 (or 0x02), computed
// outside this package.
const (
	kid1 = "cs1uhCLEB_ttCYaQ"
	kid2 = "dYd7tB05O1-4RVzm"
)

const goodHeader = `{"alg":"HS256","typ":"at+jwt","kid":"` + kid1 + `"}`

// TestKeyID: the kid is derived from the key alone, so replicas agree.
func TestKeyID(t *testing.T) {
	t.Parallel()
	if got := testKey(t, 1).ID(); got != kid1 {
		t.Errorf("ID() = %q, want %q", got, kid1)
	}
	if got := testKey(t, 2).ID(); got != kid2 {
		t.Errorf("ID() = %q, want %q", got, kid2)
	}
	tok, err := NewIssuer(testKey(t, 1), testIssuer, testAudience, 5*time.Second, clock.NewManual(testNow)).Issue("bob", "1234", "x")
	if err != nil {
		t.Fatal(err)
	}
	h, _, _ := splitToken(t, tok.Raw.Reveal())
	if got, _ := b64.DecodeString(h); string(got) != goodHeader {
		t.Errorf("issued header = %s, want %s", got, goodHeader)
	}
}

// TestVerifyRejects is the table of acceptance point 2: each malformed or
// hostile token is rejected with the error of the rule it breaks.
func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	key := testKey(t, 1)
	ver := NewVerifier(key, testIssuer, clock.NewManual(testNow))
	sign := func(header string, claims []member) string {
		return key.Sign([]byte(header), []byte(object(claims)))
	}
	good := sign(goodHeader, goodClaims())
	if _, err := ver.Verify(good); err != nil {
		t.Fatalf("the good token is rejected: %v", err)
	}
	h64, p64, s64 := splitToken(t, good)
	unsigned := func(header string) string {
		return b64.EncodeToString([]byte(header)) + "." + p64
	}
	otherKey := testKey(t, 2)

	tests := []struct {
		name  string
		token string
		want  error
	}{
		// Header: the algorithm is pinned, never chosen by the header (RFC 8725 §3.1).
		{"8725-03 alg none unsigned", unsigned(`{"alg":"none","typ":"at+jwt"}`) + ".", ErrSignature},
		{"8725-03 alg none two segments", unsigned(`{"alg":"none","typ":"at+jwt"}`), ErrMalformed},
		{"8725-03 alg none signed", sign(`{"alg":"none","typ":"at+jwt"}`, goodClaims()), ErrAlgorithm},
		{"8725-03 alg None signed", sign(`{"alg":"None","typ":"at+jwt"}`, goodClaims()), ErrAlgorithm},
		{"8725-03 alg None unsigned", unsigned(`{"alg":"None","typ":"at+jwt"}`) + ".", ErrSignature},
		{"8725-01 alg HS384", sign(`{"alg":"HS384","typ":"at+jwt"}`, goodClaims()), ErrAlgorithm},
		{"8725-01 alg HS512", sign(`{"alg":"HS512","typ":"at+jwt"}`, goodClaims()), ErrAlgorithm},
		{"8725-01 alg RS256", sign(`{"alg":"RS256","typ":"at+jwt"}`, goodClaims()), ErrAlgorithm},
		{"8725-01 alg lower case", sign(`{"alg":"hs256","typ":"at+jwt"}`, goodClaims()), ErrAlgorithm},
		{"8725-01 alg missing", sign(`{"typ":"at+jwt"}`, goodClaims()), ErrAlgorithm},
		{"8725-01 alg not a string", sign(`{"alg":["HS256"],"typ":"at+jwt"}`, goodClaims()), ErrAlgorithm},
		{"9068-10 typ JWT", sign(`{"alg":"HS256","typ":"JWT"}`, goodClaims()), ErrType},
		{"9068-10 typ missing", sign(`{"alg":"HS256"}`, goodClaims()), ErrType},
		{"9068-10 typ at+jwt with parameters", sign(`{"alg":"HS256","typ":"at+jwt; x=y"}`, goodClaims()), ErrType},
		{"crit header", sign(`{"alg":"HS256","typ":"at+jwt","crit":["exp"]}`, goodClaims()), ErrHeaderParameter},
		{"8725-11 jku header", sign(`{"alg":"HS256","typ":"at+jwt","jku":"http://evil"}`, goodClaims()), ErrHeaderParameter},
		{"8725-11 jwk header", sign(`{"alg":"HS256","typ":"at+jwt","jwk":{}}`, goodClaims()), ErrHeaderParameter},
		{"duplicate alg", sign(`{"alg":"HS256","alg":"HS256","typ":"at+jwt"}`, goodClaims()), ErrJSON},
		{"header not an object", sign(`["HS256"]`, goodClaims()), ErrJSON},
		{"header trailing bytes", sign(goodHeader+`x`, goodClaims()), ErrJSON},

		// Key ID: every token names the key that signed it.
		{"kid missing", sign(`{"alg":"HS256","typ":"at+jwt"}`, goodClaims()), ErrKeyID},
		{"kid unknown", sign(`{"alg":"HS256","typ":"at+jwt","kid":"k1"}`, goodClaims()), ErrKeyID},
		{"kid of another key", sign(`{"alg":"HS256","typ":"at+jwt","kid":"`+kid2+`"}`, goodClaims()), ErrKeyID},
		{"kid not a string", sign(`{"alg":"HS256","typ":"at+jwt","kid":1}`, goodClaims()), ErrKeyID},
		{"kid null", sign(`{"alg":"HS256","typ":"at+jwt","kid":null}`, goodClaims()), ErrKeyID},
		{"kid very long", sign(`{"alg":"HS256","typ":"at+jwt","kid":"`+strings.Repeat("k", 2000)+`"}`, goodClaims()), ErrKeyID},
		{"kid empty", sign(`{"alg":"HS256","typ":"at+jwt","kid":""}`, goodClaims()), ErrKeyID},
		{"kid duplicated", sign(`{"alg":"HS256","typ":"at+jwt","kid":"`+kid1+`","kid":"`+kid1+`"}`, goodClaims()), ErrJSON},
		{"another key's signature under its kid", otherKey.Sign([]byte(`{"alg":"HS256","typ":"at+jwt","kid":"`+kid2+`"}`), []byte(object(goodClaims()))), ErrSignature},

		// Encoding: unpadded canonical base64url only.
		{"padding", h64 + "." + p64 + "=." + s64, ErrMalformed},
		{"padded signature", good + "=", ErrMalformed},
		{"plus", h64 + "." + "+" + p64[1:] + "." + s64, ErrMalformed},
		{"slash", h64 + "." + p64 + "." + "/" + s64[1:], ErrMalformed},
		{"CR in segment", h64 + "." + p64[:10] + "\r" + p64[10:] + "." + s64, ErrMalformed},
		{"LF in segment", h64[:5] + "\n" + h64[5:] + "." + p64 + "." + s64, ErrMalformed},
		{"CRLF in signature", h64 + "." + p64 + "." + s64[:20] + "\r\n" + s64[20:], ErrMalformed},
		{"space", h64 + "." + p64 + " ." + s64, ErrMalformed},
		{"non-canonical last char of signature", h64 + "." + p64 + "." + s64[:len(s64)-1] + bumpLast(s64), ErrSignature},
		{"one segment", h64, ErrMalformed},
		{"two segments", h64 + "." + p64, ErrMalformed},
		{"four segments", good + "." + s64, ErrMalformed},
		{"five segments", good + ".a.b", ErrMalformed},
		{"empty header", "." + p64 + "." + s64, ErrMalformed},
		{"empty", "", ErrMalformed},

		// Signature.
		{"changed payload byte", h64 + "." + flipFirst(p64) + "." + s64, ErrSignature},
		{"changed header byte", flipFirst(h64) + "." + p64 + "." + s64, ErrSignature},
		{"another key's signature", otherKey.Sign([]byte(goodHeader), []byte(object(goodClaims()))), ErrSignature},
		{"no signature", h64 + "." + p64 + ".", ErrSignature},
		{"short signature", h64 + "." + p64 + "." + s64[:20], ErrSignature},
		{"signature of another token", h64 + "." + p64 + "." + mustSplitSig(t, sign(goodHeader, with("sub", `"eve"`))), ErrSignature},

		// Claims.
		{"exp past", sign(goodHeader, with("exp", fmt.Sprint(testNow.Unix()-1))), ErrExpired},
		{"exp now", sign(goodHeader, with("exp", fmt.Sprint(testNow.Unix()))), ErrExpired},
		{"exp missing", sign(goodHeader, without("exp")), ErrMissingClaim},
		{"exp a string", sign(goodHeader, with("exp", fmt.Sprintf(`"%d"`, testNow.Unix()+5))), ErrClaimType},
		{"exp null", sign(goodHeader, with("exp", `null`)), ErrClaimType},
		{"exp huge", sign(goodHeader, with("exp", `1e300`)), ErrClaimType},
		{"iat 60 s ahead", sign(goodHeader, with("iat", fmt.Sprint(testNow.Unix()+60))), ErrIssuedInFuture},
		{"iat 2 s ahead", sign(goodHeader, with("iat", fmt.Sprint(testNow.Unix()+2))), ErrIssuedInFuture},
		{"iat a string", sign(goodHeader, with("iat", `"now"`)), ErrClaimType},
		{"nbf ahead", sign(goodHeader, with("nbf", fmt.Sprint(testNow.Unix()+1))), ErrNotYetValid},
		{"nbf a string", sign(goodHeader, with("nbf", `"0"`)), ErrClaimType},
		{"9068-11 wrong iss", sign(goodHeader, with("iss", `"http://evil:5001"`)), ErrIssuer},
		{"9068-11 iss with trailing slash", sign(goodHeader, with("iss", `"`+testIssuer+`/"`)), ErrIssuer},
		{"9068-05 iss missing", sign(goodHeader, without("iss")), ErrMissingClaim},
		{"scope not a string", sign(goodHeader, with("scope", `["current_time"]`)), ErrClaimType},
		{"aud a number", sign(goodHeader, with("aud", `5`)), ErrClaimType},
		{"aud array of numbers", sign(goodHeader, with("aud", `[5]`)), ErrClaimType},
		{"aud empty array", sign(goodHeader, with("aud", `[]`)), ErrMissingClaim},
		{"sub empty", sign(goodHeader, with("sub", `""`)), ErrMissingClaim},
		{"duplicate exp", sign(goodHeader, append(goodClaims(), member{"exp", fmt.Sprint(testNow.Unix() + 3600)})), ErrJSON},
		{"duplicate exp by escape", sign(goodHeader, append(goodClaims(), member{`\u0065xp`, "1"})), ErrJSON},
		{"duplicate unknown member", sign(goodHeader, append(goodClaims(), member{"x", "1"}, member{"x", "2"})), ErrJSON},
		{"EXP instead of exp", sign(goodHeader, append(without("exp"), member{"EXP", fmt.Sprint(testNow.Unix() + 5)})), ErrMissingClaim},
		{"8725-08 invalid UTF-8", sign(goodHeader, with("sub", "\"b\xffb\"")), ErrJSON},
		{"lone surrogate", sign(goodHeader, with("sub", `"\ud800"`)), ErrJSON},
		{"control character in string", sign(goodHeader, with("sub", "\"a\x01\"")), ErrJSON},
		{"claims not an object", key.Sign([]byte(goodHeader), []byte(`[1]`)), ErrJSON},
		{"claims truncated", key.Sign([]byte(goodHeader), []byte(object(goodClaims())[:40])), ErrJSON},
		{"claims trailing object", key.Sign([]byte(goodHeader), []byte(object(goodClaims())+"{}")), ErrJSON},
		{"lone surrogate in an unknown claim", sign(goodHeader, append(goodClaims(), member{"x", `["\udc00"]`})), ErrJSON},
		{"over 4 KiB", sign(goodHeader, with("pad", `"`+strings.Repeat("a", 4096)+`"`)), ErrTooLarge},
		{"over 4 KiB of garbage", strings.Repeat("a", wire.MaxTokenSize+1), ErrTooLarge},

		// The signature is checked before any claim is read (CVE-2024-51744
		// class): an expired token under a wrong key is a signature error.
		{"8725-04 bad signature wins over exp", otherKey.Sign([]byte(goodHeader), []byte(object(with("exp", "1")))), ErrSignature},
		{"8725-04 bad signature wins over bad JSON", otherKey.Sign([]byte(goodHeader), []byte(`{"exp":`)), ErrSignature},
		{"8725-04 bad signature wins over alg", otherKey.Sign([]byte(`{"alg":"none"}`), []byte(`{}`)), ErrSignature},
	}
	for _, name := range claimNames[:8] {
		tests = append(tests, struct {
			name  string
			token string
			want  error
		}{"9068-05 missing " + name, sign(goodHeader, without(name)), ErrMissingClaim})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ver.Verify(tt.token)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %+v, %v; want error %v", c, err, tt.want)
			}
			if c.Subject != "" || c.Audience != nil {
				t.Errorf("a rejected token returned claims %+v", c)
			}
		})
	}
}

func TestVerifyAccepts(t *testing.T) {
	t.Parallel()
	key := testKey(t, 1)
	ver := NewVerifier(key, testIssuer, clock.NewManual(testNow))
	tests := []struct {
		name, header string
		claims       []member
		check        func(Claims) bool
	}{
		{"9068-10 typ upper case", `{"alg":"HS256","typ":"AT+JWT","kid":"` + kid1 + `"}`, goodClaims(), nil},
		{"9068-10 typ media type", `{"alg":"HS256","typ":"application/at+jwt","kid":"` + kid1 + `"}`, goodClaims(), nil},
		{"kid first", `{"kid":"` + kid1 + `","alg":"HS256","typ":"at+jwt"}`, goodClaims(), nil},
		{"white space", "{ \"alg\" : \"HS256\" ,\r\n \"typ\":\"at+jwt\", \"kid\" : \"" + kid1 + "\" }", goodClaims(), nil},
		{"escaped member name", `{"\u0061lg":"HS256","typ":"at+jwt","\u006bid":"` + kid1 + `"}`, goodClaims(), nil},
		{"aud array", goodHeader, with("aud", `["other","resourceserver"]`),
			func(c Claims) bool {
				return slices.Contains(c.Audience, "resourceserver") && slices.Contains(c.Audience, "other")
			}},
		{"fractional exp", goodHeader, with("exp", fmt.Sprintf("%d.5", testNow.Unix()+5)),
			func(c Claims) bool { return c.Expiry == testNow.Unix()+5 }},
		{"iat 1 s ahead", goodHeader, with("iat", fmt.Sprint(testNow.Unix()+1)), nil},
		{"nbf now", goodHeader, with("nbf", fmt.Sprint(testNow.Unix())), nil},
		// Nesting is bounded by the token's size and read without recursion.
		{"deep unknown claim", goodHeader, with("x", strings.Repeat("[", 1000)+strings.Repeat("]", 1000)), nil},
		{"unknown claims ignored", goodHeader, append(goodClaims(), member{"x", `{"a":[1,true,null,"s",-0.5e+3]}`}), nil},
		{"escaped subject", goodHeader, with("sub", `"b\u00f6b\n\ud83d\ude42"`),
			func(c Claims) bool { return c.Subject == "böb\n🙂" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ver.Verify(key.Sign([]byte(tt.header), []byte(object(tt.claims))))
			if err != nil {
				t.Fatalf("Verify = %v, want success", err)
			}
			if tt.check != nil && !tt.check(c) {
				t.Errorf("claims = %+v", c)
			}
		})
	}
}

func splitToken(t *testing.T, tok string) (h, p, s string) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts", tok, len(parts))
	}
	return parts[0], parts[1], parts[2]
}

func mustSplitSig(t *testing.T, tok string) string {
	_, _, s := splitToken(t, tok)
	return s
}

// flipFirst changes the first character of a segment to another one of the
// alphabet.
func flipFirst(seg string) string {
	if seg[0] == 'A' {
		return "B" + seg[1:]
	}
	return "A" + seg[1:]
}

// bumpLast returns the last character of an encoded 32-byte MAC moved by
// one: it then differs in bits the decoder must refuse or the MAC must catch.
func bumpLast(seg string) string {
	c := seg[len(seg)-1]
	if c == 'A' {
		return "B"
	}
	return string(c - 1)
}

// TestB64URLAlphabet: b64url takes each byte of the base64url alphabet
// (RFC 4648 §5) and no other.
func TestB64URLAlphabet(t *testing.T) {
	t.Parallel()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for c := 0; c < 256; c++ {
		if got, want := b64url(string([]byte{byte(c)})), strings.IndexByte(alphabet, byte(c)) >= 0; got != want {
			t.Errorf("b64url(%q) = %v, want %v", c, got, want)
		}
	}
}
