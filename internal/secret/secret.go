// Package secret holds values that must never reach a log line or an error
// message: client secrets, passwords and access tokens.
//
// Redaction happens by construction: a String prints as "[REDACTED]" through
// fmt, log/slog and encoding/json, and the real value is only reachable through
// Reveal, which makes every use greppable.
package secret

import (
	"encoding/json"
	"log/slog"
)

const redacted = "[REDACTED]"

// String is a secret string. The zero value is the empty secret.
type String struct {
	s string
}

// New wraps s.
func New(s string) String { return String{s: s} }

// Reveal returns the secret itself. Call it only where the value is sent on
// the wire or compared.
func (s String) Reveal() string { return s.s }

// Empty reports whether the secret is the empty string.
func (s String) Empty() bool { return s.s == "" }

// String implements fmt.Stringer without revealing the value.
func (s String) String() string { return redacted }

// GoString implements fmt.GoStringer without revealing the value.
func (s String) GoString() string { return redacted }

// LogValue implements slog.LogValuer without revealing the value.
func (s String) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON keeps a secret out of any JSON it is accidentally encoded into.
func (s String) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// UnmarshalJSON reads a secret from a JSON string, as in a clients file.
func (s *String) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, &s.s)
}
