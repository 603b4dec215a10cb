package httpx

import (
	"strconv"
	"sync"
	"unicode/utf8"
)

// JSONAppender is a response body that writes itself as JSON, byte for byte
// as encoding/json would write it, without reflection: the bodies every
// call carries (a token, an introspection, a resource, an error) are
// written this way; WriteJSON uses encoding/json for any other.
type JSONAppender interface {
	AppendJSON(b []byte) []byte
}

var bodies = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Object appends the members of a JSON object one by one: Start, then
// String, Int and the like, then End.
type Object struct {
	B     []byte
	empty bool
}

// Start opens an object on b.
func Start(b []byte) Object { return Object{B: append(b, '{'), empty: true} }

// key appends the separator and "k":.
func (o *Object) key(k string) {
	if !o.empty {
		o.B = append(o.B, ',')
	}
	o.empty = false
	o.B = AppendString(o.B, k)
	o.B = append(o.B, ':')
}

// String appends "k":"v".
func (o *Object) String(k, v string) { o.key(k); o.B = AppendString(o.B, v) }

// Int appends "k":v.
func (o *Object) Int(k string, v int64) { o.key(k); o.B = strconv.AppendInt(o.B, v, 10) }

// Bool appends "k":v.
func (o *Object) Bool(k string, v bool) { o.key(k); o.B = strconv.AppendBool(o.B, v) }

// Strings appends "k":["v",...].
func (o *Object) Strings(k string, vs []string) {
	o.key(k)
	if vs == nil {
		o.B = append(o.B, "null"...)
		return
	}
	o.B = append(o.B, '[')
	for i, v := range vs {
		if i > 0 {
			o.B = append(o.B, ',')
		}
		o.B = AppendString(o.B, v)
	}
	o.B = append(o.B, ']')
}

// End closes the object and returns the bytes.
func (o *Object) End() []byte { return append(o.B, '}') }

// AppendString appends s as a JSON string, escaped as encoding/json
// escapes it by default: control characters, '"', '\\', and, for HTML,
// '<', '>' and '&'; invalid UTF-8 as U+FFFD; U+2028 and U+2029.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
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
