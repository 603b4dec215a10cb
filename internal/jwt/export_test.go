package jwt

// Sign and Verify are the bare JWS primitives under Issuer and Verifier,
// for tests that build tokens by hand: no service signs anything but an
// access token, or verifies one without its claims.

// Sign returns the JWS compact serialization of header and payload signed
// with HS256. It signs exactly what it is given: the caller is responsible
// for header and payload being the JSON it means.
func (k *Key) Sign(header, payload []byte) string { return k.sign(header, payload) }

// Verify checks that token is a JWS compact serialization whose signature is
// the HS256 MAC under k, and returns its decoded header and payload. It does
// not parse them: use Verifier for access tokens.
func (k *Key) Verify(token string) (header, payload []byte, err error) {
	dot1, dot2, err := split(token)
	if err != nil {
		return nil, nil, err
	}
	return k.verify(token, dot1, dot2)
}
