package jwt

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"log/slog"
	"strings"
	"sync"

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
	// states recycles HMAC states and scratch buffers: hmac.New hashes the
	// key twice, and with Reset it costs nothing after the first use.
	states sync.Pool
}

// state is the per-call scratch space of a Key.
type state struct {
	mac hash.Hash
	sum [sha256.Size]byte
	sig [sha256.Size]byte
	tok []byte // the token being verified
	buf []byte // encoded or decoded segments
	raw []byte // JSON being built
}

// NewKey returns a Key for secret, which must be at least MinKeySize bytes of
// random data, never a human password. The bytes are copied.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) < MinKeySize {
		return nil, fmt.Errorf("%w: got %d", ErrWeakKey, len(secret))
	}
	sum := sha256.Sum256(secret)
	k := &Key{secret: bytes.Clone(secret), id: b64.EncodeToString(sum[:12])}
	k.states.New = func() any {
		return &state{mac: hmac.New(sha256.New, k.secret)}
	}
	return k, nil
}

// ID is the key's kid: the unpadded base64url of the first 12 bytes of the
// SHA-256 of its bytes, 16 characters. Replicas given the same key agree on
// it with no setting, and it tells nothing usable about the key.
func (k *Key) ID() string { return k.id }

// LogValue keeps the key out of logs.
func (k *Key) LogValue() slog.Value { return slog.StringValue("[REDACTED]") }

func (k *Key) get() *state { return k.states.Get().(*state) }

// put returns st to the pool unless a hostile input grew its buffers.
func (k *Key) put(st *state) {
	if cap(st.buf) > 4*wire.MaxTokenSize || cap(st.raw) > 4*wire.MaxTokenSize {
		return
	}
	k.states.Put(st)
}

// appendSignature appends '.' and the encoded MAC of signingInput to it.
func (k *Key) appendSignature(st *state, signingInput []byte) []byte {
	st.mac.Reset()
	st.mac.Write(signingInput)
	sum := st.mac.Sum(st.sum[:0])
	signingInput = append(signingInput, '.')
	return b64.AppendEncode(signingInput, sum)
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
// the HS256 MAC under k, and returns its payload and, if withHeader, its
// header, decoded, as slices that point into st. The MAC is checked before
// anything is decoded, so nothing is interpreted before the signature
// holds (RFC 8725 §3.3).
func (k *Key) verify(st *state, token string, dot1, dot2 int, withHeader bool) (header, payload []byte, err error) {
	st.tok = append(st.tok[:0], token...)
	if _, err := b64.Decode(st.sig[:], st.tok[dot2+1:]); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	st.mac.Reset()
	st.mac.Write(st.tok[:dot2])
	if !hmac.Equal(st.mac.Sum(st.sum[:0]), st.sig[:]) {
		return nil, nil, ErrSignature
	}

	hn, pn := 0, b64.DecodedLen(dot2-dot1-1)
	if withHeader {
		hn = b64.DecodedLen(dot1)
	}
	if cap(st.buf) < hn+pn {
		st.buf = make([]byte, hn+pn)
	}
	buf := st.buf[:hn+pn]
	if withHeader {
		if hn, err = b64.Decode(buf, st.tok[:dot1]); err != nil {
			return nil, nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
		}
	}
	pn, err = b64.Decode(buf[hn:], st.tok[dot1+1:dot2])
	if err != nil {
		return nil, nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	return buf[:hn], buf[hn : hn+pn], nil
}

// b64url reports whether s is in the base64url alphabet: no padding, no
// '+' or '/', no white space.
func b64url(s string) bool {
	return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == ""
}
