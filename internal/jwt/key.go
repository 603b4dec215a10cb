package jwt

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"oauthtime/internal/wire"
)

const (
	// MinKeySize is the shortest HS256 key accepted: 256 bits, the size of
	// the MAC (RFC 7518 §3.2, RFC 8725 §3.5).
	MinKeySize = 32
)

// b64 is unpadded base64url that also rejects non-zero trailing bits, so one
// value has exactly one encoding. It still skips CR and LF, which is why
// every segment is checked against the alphabet first (see b64url).
var b64 = base64.RawURLEncoding.Strict()

// macSize64 is the length of an encoded HS256 signature.
var macSize64 = b64.EncodedLen(sha256.Size)

// Key is an HS256 signing and verification key. It is safe for concurrent
// use. Each Key must be used with HS256 only (RFC 8725 §3.1).
type Key struct {
	secret []byte
	id     string
}

// NewKey returns a Key for secret, which must be at least MinKeySize bytes of
// random data, never a human password. The bytes are copied.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) < MinKeySize {
		return nil, fmt.Errorf("%w: got %d", ErrWeakKey, len(secret))
	}
	sum := sha256.Sum256(secret)
	return &Key{secret: bytes.Clone(secret), id: b64.EncodeToString(sum[:12])}, nil
}

// ID is the key's kid: the unpadded base64url of the first 12 bytes of the
// SHA-256 of its bytes, 16 characters. Replicas given the same key agree on
// it with no setting, and it tells nothing usable about the key.
func (k *Key) ID() string { return k.id }

// LogValue keeps the key out of logs.
func (k *Key) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }

// mac returns the HS256 MAC of signingInput.
func (k *Key) mac(signingInput string) []byte {
	m := hmac.New(sha256.New, k.secret)
	io.WriteString(m, signingInput)
	return m.Sum(nil)
}

// sign returns the JWS compact serialization of header and payload.
func (k *Key) sign(header, payload []byte) string {
	input := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	return input + "." + b64.EncodeToString(k.mac(input))
}

// split checks the size, shape and alphabet of a JWS compact
// serialization, and returns where its two dots are. It decodes nothing.
func split(token string) (dot1, dot2 int, err error) {
	if len(token) > wire.MaxTokenSize {
		return 0, 0, ErrTooLarge
	}
	dot1 = strings.IndexByte(token, '.')
	if dot1 < 0 {
		return 0, 0, fmt.Errorf("%w: 1 segment, want 3", ErrMalformed)
	}
	dot2 = dot1 + 1 + strings.IndexByte(token[dot1+1:], '.')
	if dot2 == dot1 {
		return 0, 0, fmt.Errorf("%w: 2 segments, want 3", ErrMalformed)
	}
	if n := strings.Count(token[dot2+1:], "."); n > 0 {
		return 0, 0, fmt.Errorf("%w: %d segments, want 3", ErrMalformed, 3+n)
	}
	h64, p64, s64 := token[:dot1], token[dot1+1:dot2], token[dot2+1:]
	if h64 == "" || p64 == "" {
		return 0, 0, fmt.Errorf("%w: empty header or payload", ErrMalformed)
	}
	if s64 == "" {
		return 0, 0, fmt.Errorf("%w: no signature", ErrSignature)
	}
	if !b64url(h64) || !b64url(p64) || !b64url(s64) {
		return 0, 0, fmt.Errorf("%w: not unpadded base64url", ErrMalformed)
	}
	if len(s64) != macSize64 {
		return 0, 0, fmt.Errorf("%w: wrong length", ErrSignature)
	}
	return dot1, dot2, nil
}

// verify checks that the signature of token, which split has checked, is
// the HS256 MAC under k, and returns its header and payload, decoded. The
// MAC is checked before anything is decoded, so nothing is interpreted
// before the signature holds (RFC 8725 §3.3).
func (k *Key) verify(token string, dot1, dot2 int) (header, payload []byte, err error) {
	sig, err := b64.DecodeString(token[dot2+1:])
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if !hmac.Equal(k.mac(token[:dot2]), sig) {
		return nil, nil, ErrSignature
	}
	if header, err = b64.DecodeString(token[:dot1]); err != nil {
		return nil, nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if payload, err = b64.DecodeString(token[dot1+1 : dot2]); err != nil {
		return nil, nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	return header, payload, nil
}

// b64url reports whether s is in the base64url alphabet: no padding, no
// '+' or '/', no white space.
func b64url(s string) bool {
	return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}
