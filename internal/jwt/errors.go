package jwt

import "errors"

// Errors returned by this package. Verification errors wrap exactly one of
// them (test with errors.Is); the wrapping message adds detail.
var (
	// ErrWeakKey: the HMAC key is shorter than MinKeySize (RFC 8725 §3.5).
	ErrWeakKey = errors.New("jwt: key shorter than 32 bytes")
	// ErrTooLarge: the token is longer than wire.MaxTokenSize; nothing was decoded.
	ErrTooLarge = errors.New("jwt: token larger than 4096 bytes")
	// ErrMalformed: not three segments of unpadded, canonical base64url.
	ErrMalformed = errors.New("jwt: malformed compact serialization")
	// ErrSignature: the signature is missing or is not the HS256 MAC of the token.
	ErrSignature = errors.New("jwt: signature invalid")
	// ErrJSON: header or claims are not UTF-8 JSON objects, or repeat a member name.
	ErrJSON = errors.New("jwt: header or claims are not a valid JSON object")
	// ErrAlgorithm: the header's alg is not exactly HS256.
	ErrAlgorithm = errors.New("jwt: alg is not HS256")
	// ErrType: the header's typ is not at+jwt or application/at+jwt.
	ErrType = errors.New("jwt: typ is not at+jwt")
	// ErrHeaderParameter: the header carries crit, or a key-location parameter
	// (jku, jwk, x5u, x5c) that this verifier will never follow.
	ErrHeaderParameter = errors.New("jwt: header parameter not accepted")
	// ErrKeyID: the header's kid is missing, not a string, or names no key
	// of the Verifier.
	ErrKeyID = errors.New("jwt: kid names no verification key")
	// ErrMissingClaim: a required claim is absent or empty.
	ErrMissingClaim = errors.New("jwt: required claim missing")
	// ErrClaimType: a claim has the wrong JSON type or an out-of-range value.
	ErrClaimType = errors.New("jwt: claim has the wrong type")
	// ErrIssuer: iss is not the expected issuer.
	ErrIssuer = errors.New("jwt: wrong issuer")
	// ErrExpired: exp is not after now.
	ErrExpired = errors.New("jwt: token expired")
	// ErrNotYetValid: nbf is in the future.
	ErrNotYetValid = errors.New("jwt: token not valid yet")
	// ErrIssuedInFuture: iat is more than one second in the future.
	ErrIssuedInFuture = errors.New("jwt: token issued in the future")
)
