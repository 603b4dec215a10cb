package trace

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
)

// RequestIDHeader is the header a request ID travels in, X-Request-ID,
// written in Go's canonical form.
const RequestIDHeader = "X-Request-Id"

// MaxRequestID is the longest request ID taken from a caller.
const MaxRequestID = 128

// ValidRequestID reports whether id may be taken from a caller as it is: 1
// to 128 characters of [A-Za-z0-9._-], so it can go into logs and headers
// unescaped.
func ValidRequestID(id string) bool {
	return len(id) > 0 && len(id) <= MaxRequestID && strings.Trim(id, alnum+"._-") == ""
}

// alnum is the ASCII letters and digits.
const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewRequestID returns a random request ID of 32 hex digits. IDs need to
// be unique, not secret: math/rand/v2's generator, seeded by the runtime
// and never locked, is enough.
func NewRequestID() string {
	var raw [16]byte
	binary.LittleEndian.PutUint64(raw[0:8], rand.Uint64())
	binary.LittleEndian.PutUint64(raw[8:16], rand.Uint64())
	return hex.EncodeToString(raw[:])
}
