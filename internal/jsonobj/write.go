package jsonobj

import (
	"unicode/utf8"

	"oauthtime/internal/charset"
)

// AppendString appends s as a JSON string, escaped as encoding/json
// escapes it by default: control characters, '"', '\\', and, for HTML,
// '<', '>' and '&'; invalid UTF-8 as U+FFFD; U+2028 and U+2029.
func AppendString(b []byte, s string) []byte { return appendString(b, s, true) }

// AppendLogString appends s as a JSON string, escaped as
// slog.JSONHandler escapes it: as AppendString does, but '<', '>' and '&'
// are left as they are, and \b and \f are written \u0008 and \u000c.
func AppendLogString(b []byte, s string) []byte { return appendString(b, s, false) }

// The bytes a JSON string takes as they are: printable ASCII (and DEL),
// but not '"' or '\\'; in a standard string, not '<', '>' or '&' either.
// Every byte of a multi-byte UTF-8 sequence is left to the general loop.
var (
	logPlain = charset.Of(" \x7f!#$%&'()*+,-./:;<=>?@[]^_`{|}~" + charset.Alnum)
	stdPlain = charset.Of(" \x7f!#$%'()*+,-./:;=?@[]^_`{|}~" + charset.Alnum)
)

// appendString is AppendString if std is set, else AppendLogString.
func appendString(b []byte, s string, std bool) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	// Most strings (a token, a path, an ID) need no escape: skip what
	// needs none by table, before the general loop.
	plain := logPlain
	if std {
		plain = stdPlain
	}
	i := plain.Span(s)
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!std || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				if std {
					b = append(b, '\\', 'b')
				} else {
					b = append(b, `\u0008`...)
				}
			case '\f':
				if std {
					b = append(b, '\\', 'f')
				} else {
					b = append(b, `\u000c`...)
				}
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
