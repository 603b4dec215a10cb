// Package charset holds sets of bytes: what characters a string from
// outside may have (a token, a trace ID, a request ID), and which a JSON
// string takes as they are.
//
// A set is a table, not a chain of range tests: such strings are random,
// and range tests on random characters are mispredicted so often that
// they cost several times the lookup.
package charset

// Set is a set of bytes.
type Set [256]bool

// Of returns the set of the bytes of chars.
func Of(chars string) *Set {
	var s Set
	for i := 0; i < len(chars); i++ {
		s[chars[i]] = true
	}
	return &s
}

// All reports whether every byte of str is in s; true for "".
func (s *Set) All(str string) bool { return s.Span(str) == len(str) }

// Span returns the length of the longest prefix of str whose bytes are all
// in s.
func (s *Set) Span(str string) int {
	i := 0
	for i < len(str) && s[str[i]] {
		i++
	}
	return i
}

// The alphabets the services check.
const (
	// Alnum is the ASCII letters and digits.
	Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	// LowerHex is the lowercase hex digits.
	LowerHex = "0123456789abcdef"
)
