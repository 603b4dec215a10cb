package jwt

import "bytes"

// Sign and Verify are the bare JWS primitives under Issuer and Verifier,
// for tests that build tokens by hand: no service signs anything but an
// access token, or verifies one without its claims.

// Sign returns the JWS compact serialization of header and payload signed
// with HS256. It signs exactly what it is given: the caller is responsible
// for header and payload being the JSON it means.
func (k *Key) Sign(header, payload []byte) string {
	st := k.get()
	defer k.put(st)
	b := b64.AppendEncode(st.buf[:0], header)
	b = append(b, '.')
	b = b64.AppendEncode(b, payload)
	b = k.appendSignature(st, b)
	st.buf = b
	return string(b)
}

// Verify checks that token is a JWS compact serialization whose signature is
// the HS256 MAC under k, and returns its decoded header and payload. It does
// not parse them: use Verifier for access tokens.
func (k *Key) Verify(token string) (header, payload []byte, err error) {
	st := k.get()
	defer k.put(st)
	dot1, dot2, err := split(token)
	if err != nil {
		return nil, nil, err
	}
	h, p, err := k.verify(st, token, dot1, dot2, true)
	if err != nil {
		return nil, nil, err
	}
	return bytes.Clone(h), bytes.Clone(p), nil
}
