// Package requestid is the X-Request-ID of a request: which a caller may
// send, and how one is made when it sends none. It travels through the
// request in a trace.Span.
package requestid

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
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
	for i := 0; i < len(id); i++ {
		if !idChar[id[i]] {
			return false
		}
	}
	return true
}

// idChar marks the characters an ID may have. A table, not comparisons:
// IDs are random, and range tests on random characters are mispredicted
// often.
var idChar = [256]bool{
	'.': true, '_': true, '-': true,
	'0': true, '1': true, '2': true, '3': true, '4': true, '5': true, '6': true, '7': true, '8': true, '9': true,
	'A': true, 'B': true, 'C': true, 'D': true, 'E': true, 'F': true, 'G': true, 'H': true, 'I': true, 'J': true,
	'K': true, 'L': true, 'M': true, 'N': true, 'O': true, 'P': true, 'Q': true, 'R': true, 'S': true, 'T': true,
	'U': true, 'V': true, 'W': true, 'X': true, 'Y': true, 'Z': true,
	'a': true, 'b': true, 'c': true, 'd': true, 'e': true, 'f': true, 'g': true, 'h': true, 'i': true, 'j': true,
	'k': true, 'l': true, 'm': true, 'n': true, 'o': true, 'p': true, 'q': true, 'r': true, 's': true, 't': true,
	'u': true, 'v': true, 'w': true, 'x': true, 'y': true, 'z': true,
}

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
