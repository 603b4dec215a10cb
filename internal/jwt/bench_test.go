package jwt

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"oauthtime/internal/clock"
)

// The floors do the least any HS256 JWT code must do, with the standard
// library's general tools and no checks: they bound how fast Sign and
// Verify could be. Run: go test -run '^$' -bench . -benchmem ./internal/jwt

var benchClaims = Claims{
	Issuer: testIssuer, Subject: "bob", Audience: []string{testAudience},
	ClientID: "1234", Scope: "current_time epoch_time",
	IssuedAt: testNow.Unix(), Expiry: testNow.Unix() + 5, ID: "c2VjcmV0IGlkIDEyMzQ1Ng",
}

// BenchmarkSign is a full access-token issue: random jti, clock, claims,
// HMAC, encoding.
func BenchmarkSign(b *testing.B) {
	iss := NewIssuer(testKey(b, 1), testIssuer, testAudience, 5*time.Second, clock.System{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := iss.Issue(benchClaims.Subject, benchClaims.ClientID, benchClaims.Scope); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignFloor: json.Marshal of the same claims, HMAC-SHA256, base64url.
func BenchmarkSignFloor(b *testing.B) {
	secret := make([]byte, 32)
	hdr := base64.RawURLEncoding.EncodeToString(header(testKey(b, 1))) + "."
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		payload, err := json.Marshal(&benchClaims)
		if err != nil {
			b.Fatal(err)
		}
		input := hdr + base64.RawURLEncoding.EncodeToString(payload)
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(input))
		_ = input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	}
}

// BenchmarkVerify is a full access-token verification with every check on,
// of tokens that differ as real ones do (jti and signature): one token
// verified again and again lets the branch predictor learn its bytes,
// which it cannot do in a server.
func BenchmarkVerify(b *testing.B) {
	key := testKey(b, 1)
	clk := clock.NewManual(testNow)
	iss := NewIssuer(key, testIssuer, testAudience, 5*time.Second, clk)
	raws := make([]string, 1024)
	for i := range raws {
		tok, err := iss.Issue("bob", "1234", "current_time epoch_time")
		if err != nil {
			b.Fatal(err)
		}
		raws[i] = tok.Raw.Reveal()
	}
	ver := NewVerifier(key, testIssuer, clk)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ver.Verify(raws[i%len(raws)]); err != nil {
			b.Fatal(err)
		}
	}
}

// floorClaims is Claims with aud as the single string the issuer writes, so
// that json.Unmarshal can read it.
type floorClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	ClientID string `json:"client_id"`
	Scope    string `json:"scope"`
	IssuedAt int64  `json:"iat"`
	Expiry   int64  `json:"exp"`
	ID       string `json:"jti"`
}

// BenchmarkVerifyFloor: base64url decode, HMAC compare, json.Unmarshal into a
// struct.
func BenchmarkVerifyFloor(b *testing.B) {
	secret := bytesOf(1)
	key := testKey(b, 1)
	tok, err := NewIssuer(key, testIssuer, testAudience, 5*time.Second, clock.NewManual(testNow)).Issue("bob", "1234", "current_time epoch_time")
	if err != nil {
		b.Fatal(err)
	}
	raw := tok.Raw.Reveal()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dot := strings.LastIndexByte(raw, '.')
		sig, err := base64.RawURLEncoding.DecodeString(raw[dot+1:])
		if err != nil {
			b.Fatal(err)
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(raw[:dot]))
		if !hmac.Equal(mac.Sum(nil), sig) {
			b.Fatal("bad signature")
		}
		payload, err := base64.RawURLEncoding.DecodeString(raw[strings.IndexByte(raw, '.')+1 : dot])
		if err != nil {
			b.Fatal(err)
		}
		var c floorClaims
		if err := json.Unmarshal(payload, &c); err != nil {
			b.Fatal(err)
		}
	}
}

func bytesOf(fill byte) []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = fill
	}
	return b
}
