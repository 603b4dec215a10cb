package jwt_test

import (
	"errors"
	"fmt"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/jwt"
)

func Example() {
	key, err := jwt.NewKey([]byte("0123456789abcdef0123456789abcdef")) // use 32 random bytes
	if err != nil {
		panic(err)
	}
	clk := clock.NewManual(time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC))
	issuer := jwt.NewIssuer(key, "http://localhost:5001", "resourceserver", 5*time.Second, clk)
	verifier := jwt.NewVerifier(key, "http://localhost:5001", clk)

	tok, err := issuer.Issue("bob", "1234", "current_time")
	if err != nil {
		panic(err)
	}
	claims, err := verifier.Verify(tok.Raw.Reveal())
	fmt.Println(claims.Subject, claims.ClientID, claims.Scope, claims.Audience, err)

	clk.Advance(5 * time.Second)
	_, err = verifier.Verify(tok.Raw.Reveal())
	fmt.Println(errors.Is(err, jwt.ErrExpired))
	// Output:
	// bob 1234 current_time [resourceserver] <nil>
	// true
}

func ExampleKey_Verify() {
	key, err := jwt.NewKey([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		panic(err)
	}
	token := key.Sign([]byte(`{"alg":"HS256"}`), []byte(`{"hello":"world"}`))
	header, payload, err := key.Verify(token)
	fmt.Printf("%s %s %v\n", header, payload, err)
	// Output: {"alg":"HS256"} {"hello":"world"} <nil>
}

func ExampleVerifier_Verify_rejected() {
	key, err := jwt.NewKey([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		panic(err)
	}
	verifier := jwt.NewVerifier(key, "http://localhost:5001", clock.System{})
	// Signed with the right key, but claiming alg none: the header never
	// picks the algorithm.
	token := key.Sign([]byte(`{"alg":"none","typ":"at+jwt"}`), []byte(`{}`))
	_, err = verifier.Verify(token)
	fmt.Println(err)
	// Output: jwt: alg is not HS256: got "none"
}
