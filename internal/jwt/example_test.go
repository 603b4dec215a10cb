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
