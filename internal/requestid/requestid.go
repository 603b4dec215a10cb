// Package requestid is the X-Request-ID of a request: which a caller may
// send, and how one is made when it sends none. It travels through the
// request in a trace.Span.
package requestid

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"

	"oauthtime/internal/charset"
)

// Header is the header the ID travels in, X-Request-ID, written in Go's
// canonical form so that setting and reading it costs no allocation.
const Header = "X-Request-Id"

// MaxLen is the longest ID taken from a caller.
const MaxLen = 128

// Valid reports whether id may be taken from a caller as it is: 1 to 128
// characters of [A-Za-z0-9._-], so it can go into logs and headers unescaped.
func Valid(id string) bool {
	if len(id) == 0 || len(id) > MaxLen {
		return false
	}
	return idChars.All(id)
}

// idChars are the characters an ID may have.
var idChars = charset.Of(charset.Alnum + "._-")

// New returns a random ID of 32 hex digits. IDs need to be unique, not
// secret: math/rand/v2's generator, seeded by the runtime and never
// locked, is enough.
func New() string {
	var raw [16]byte
	binary.LittleEndian.PutUint64(raw[0:8], rand.Uint64())
	binary.LittleEndian.PutUint64(raw[8:16], rand.Uint64())
	var b [32]byte
	hex.Encode(b[:], raw[:])
	return string(b[:])
}
