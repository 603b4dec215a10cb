package httpx

import (
	"strconv"
	"sync"

	"oauthtime/internal/jsonobj"
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
	o.B = jsonobj.AppendString(o.B, k)
	o.B = append(o.B, ':')
}

// String appends "k":"v".
func (o *Object) String(k, v string) { o.key(k); o.B = jsonobj.AppendString(o.B, v) }

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
		o.B = jsonobj.AppendString(o.B, v)
	}
	o.B = append(o.B, ']')
}

// End closes the object and returns the bytes.
func (o *Object) End() []byte { return append(o.B, '}') }
