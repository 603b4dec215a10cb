// Package requestid carries the X-Request-ID of a request through its
// context: the middleware puts it there, the logger stamps it on every line
// and HTTP clients forward it upstream.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// New returns a random ID of 32 hex digits.
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms.
	return hex.EncodeToString(b[:])
}

type key struct{}

// NewContext returns ctx carrying id.
func NewContext(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, key{}, id)
}

// FromContext returns the ID in ctx, or "".
func FromContext(ctx context.Context) string {
	id, _ := ctx.Value(key{}).(string)
	return id
}
