package jwt

import (
	"encoding/json"
	"errors"
	"testing"
)

// readObject reads s as one object as the verifier does, handing each
// member's reader to member; a name given twice is refused.
func readObject(s string, member func(p *jsonReader) error) error {
	p, err := newJSONReader([]byte(s))
	if err != nil {
		return err
	}
	var seen jsonNames
	for {
		name, ok, err := p.Member()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if !seen.Add(name, -1) {
			return errors.New("duplicate member")
		}
		if err := member(&p); err != nil {
			return err
		}
	}
}

func skip(p *jsonReader) error { return p.Skip() }

func TestJSONReader(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{`{"a":"x","b":[1,{"c":null}]}`, true},
		{` { "a" : "x\u00e9" , "b" : true } `, true},
		{`{}`, true},
		{`{"a":"x","a":"y"}`, false},
		{`{"a":"x"} trailing`, false},
		{`["a"]`, false},
		{`{"a":"x",}`, false},
		{`{"a":"x" "b":1}`, false},
		{`{"a":01}`, false},
		{"{\"a\":\"\xff\"}", false},
		{`{"a":"\ud800"}`, false},
		{``, false},
	} {
		if err := readObject(tt.in, skip); (err == nil) != tt.ok {
			t.Errorf("read %q: %v, want ok %v", tt.in, err, tt.ok)
		}
	}
}

// FuzzJSONReader: no input panics, and what the reader accepts as an
// object, skipping every member, encoding/json finds valid too.
func FuzzJSONReader(f *testing.F) {
	f.Add(`{"a":"x","b":[1,{"c":null}],"d":-0.5e+3,"e":"\u00e9\n"}`)
	f.Add(`{"a":}`)
	f.Fuzz(func(t *testing.T, s string) {
		if readObject(s, skip) == nil && !json.Valid([]byte(s)) {
			t.Fatalf("accepted %q, which encoding/json finds invalid", s)
		}
	})
}

// FuzzJSONValues holds the values the reader decodes (escapes, \u
// surrogate pairs, numbers, string arrays) to what encoding/json decodes
// from the same text, not only its accept or reject.
func FuzzJSONValues(f *testing.F) {
	for _, v := range []string{`"plain"`, `"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\u20ac"`, `"\ud83d\ude00"`, `"\ud800x"`,
		`"é"`, `-1.5e3`, `0`, `["x","\u0041"]`, `"x"`, `[]`, `[1]`, `true`} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var got any
		number := false
		err := readObject(`{"v":`+v+`}`, func(p *jsonReader) (err error) {
			switch {
			case p.IsString():
				got, err = p.String()
			case p.IsNumber():
				number = true
				got, err = p.Number()
			default:
				got, err = p.StringOrArray()
			}
			return err
		})
		if err != nil {
			return
		}
		switch g := got.(type) {
		case string:
			if number { // as its text
				var want json.Number
				if json.Unmarshal([]byte(v), &want) != nil || want.String() != g {
					t.Fatalf("number %q read as %q", v, g)
				}
				return
			}
			var want string
			if err := json.Unmarshal([]byte(v), &want); err != nil || want != g {
				t.Fatalf("string %q read as %q, encoding/json %q (%v)", v, g, want, err)
			}
		case []string:
			var want []string
			if err := json.Unmarshal([]byte(v), &want); err != nil || len(want) != len(g) {
				t.Fatalf("array %q read as %q, encoding/json %q (%v)", v, g, want, err)
			}
			for i := range g {
				if g[i] != want[i] {
					t.Fatalf("array %q read as %q, encoding/json %q", v, g, want)
				}
			}
		}
	})
}
