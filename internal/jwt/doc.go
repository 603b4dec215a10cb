// Package jwt signs and verifies HS256 JSON Web Tokens (RFC 7515, RFC 7519)
// and, over that, the JWT profile for OAuth 2.0 access tokens (RFC 9068) as
// this system narrows it (README.md, Security).
//
// It has two layers:
//
//   - Key signs and verifies the JWS compact serialization with HMAC-SHA256
//     and nothing else: it never looks inside the header or payload.
//   - Issuer and Verifier make and check access tokens: header
//     {"alg":"HS256","typ":"at+jwt"} and the claims iss, sub, aud, client_id,
//     scope, iat, exp and jti.
//
// Verification is strict by design (RFC 8725): the algorithm is fixed by the
// caller and never chosen by the header, the signature is checked before any
// byte of the header or claims is decoded, base64url must be unpadded and
// canonical, JSON must be UTF-8 with case-sensitive and unique member names,
// and every claim must be present with its JSON type. Each rejection wraps one
// of the Err* values, so callers and tests can tell which rule failed.
//
// The package knows nothing of HTTP.
package jwt
