package jwt

// The reader of a token's JSON: a single object, read member by member.
// Unlike encoding/json it refuses duplicate members (where encoding/json
// lets the last win), matches names exactly (encoding/json ignores case)
// and refuses a lone surrogate (encoding/json makes it U+FFFD): RFC 7515
// §4 and RFC 8725 §3.7 forbid the first two for tokens. The syntax is
// json.Valid's to check, first: the reader walks only text that is JSON.

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Errors of a jsonReader.
var (
	// errJSONSyntax: the input is not JSON, or not one object.
	errJSONSyntax = errors.New("invalid JSON")
	// errJSONType: a value is not of the type asked for.
	errJSONType = errors.New("wrong JSON type")
)

// jsonReader reads one JSON object from a string, so that unescaped string
// values are substrings of it and cost no allocation.
type jsonReader struct {
	s     string
	i     int
	first bool // the next member is the object's first
}

// newJSONReader returns a reader of the object b, which must be UTF-8 and
// JSON, and past the '{' that opens it.
func newJSONReader(b []byte) (jsonReader, error) {
	if !utf8.Valid(b) || !json.Valid(b) {
		return jsonReader{}, errJSONSyntax
	}
	p := jsonReader{s: string(b), first: true}
	p.ws()
	if p.s[p.i] != '{' {
		return jsonReader{}, errJSONSyntax
	}
	p.i++
	return p, nil
}

func (p *jsonReader) ws() {
	for p.i < len(p.s) && strings.IndexByte(" \t\n\r", p.s[p.i]) >= 0 {
		p.i++
	}
}

// Member reads the next member name of the object and the ':' after it.
// ok is false once the object has closed.
func (p *jsonReader) Member() (name string, ok bool, err error) {
	p.ws()
	if p.s[p.i] == '}' {
		p.i++
		return "", false, nil
	}
	if !p.first {
		p.i++ // ','
		p.ws()
	}
	p.first = false
	if name, err = p.String(); err != nil {
		return "", false, err
	}
	p.ws()
	p.i++ // ':'
	p.ws()
	return name, true, nil
}

// IsString reports whether the next value is a string.
func (p *jsonReader) IsString() bool { return p.s[p.i] == '"' }

// String reads a string value.
func (p *jsonReader) String() (string, error) {
	if !p.IsString() {
		return "", errJSONType
	}
	start := p.i + 1
	for j := start; ; j++ {
		switch p.s[j] {
		case '"':
			p.i = j + 1
			return p.s[start:j], nil
		case '\\':
			return p.unescape(start, j)
		}
	}
}

// unescape finishes a string that has an escape at j.
func (p *jsonReader) unescape(start, j int) (string, error) {
	b := []byte(p.s[start:j])
	for {
		switch c := p.s[j]; {
		case c == '"':
			p.i = j + 1
			return string(b), nil
		case c != '\\':
			b = append(b, c)
			j++
		case p.s[j+1] == 'u':
			r, n := p.escapedRune(j)
			if n == 0 {
				return "", errJSONSyntax
			}
			b = utf8.AppendRune(b, r)
			j += n
		default:
			b = append(b, "\"\\/\b\f\n\r\t"[strings.IndexByte(`"\/bfnrt`, p.s[j+1])])
			j += 2
		}
	}
}

// escapedRune decodes \uXXXX at j, with its low surrogate if it needs one,
// and returns the rune and the bytes consumed (0 if invalid). A lone
// surrogate is invalid: it has no UTF-8 form.
func (p *jsonReader) escapedRune(j int) (rune, int) {
	r := hex4(p.s[j+2 : j+6])
	if !utf16.IsSurrogate(r) {
		return r, 6
	}
	if !strings.HasPrefix(p.s[j+6:], `\u`) {
		return 0, 0
	}
	if r = utf16.DecodeRune(r, hex4(p.s[j+8:j+12])); r == utf8.RuneError {
		return 0, 0
	}
	return r, 12
}

// hex4 decodes the four hex digits of a \u escape.
func hex4(s string) rune {
	n, _ := strconv.ParseUint(s, 16, 32)
	return rune(n)
}

// IsNumber reports whether the next value is a number.
func (p *jsonReader) IsNumber() bool { return strings.IndexByte("-0123456789", p.s[p.i]) >= 0 }

// Number reads a number value and returns its text.
func (p *jsonReader) Number() (string, error) {
	if !p.IsNumber() {
		return "", errJSONType
	}
	start := p.i
	for p.i < len(p.s) && strings.IndexByte("+-.eE0123456789", p.s[p.i]) >= 0 {
		p.i++
	}
	return p.s[start:p.i], nil
}

// Skip reads past the next value.
func (p *jsonReader) Skip() error {
	switch p.s[p.i] {
	case '"':
		_, err := p.String()
		return err
	case '{', '[':
		for depth := 0; ; {
			switch p.s[p.i] {
			case '"':
				if _, err := p.String(); err != nil {
					return err
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
			p.i++
			if depth == 0 {
				return nil
			}
		}
	}
	// A number, true, false or null.
	for p.i < len(p.s) && strings.IndexByte(",}] \t\n\r", p.s[p.i]) < 0 {
		p.i++
	}
	return nil
}

// StringOrArray reads a string or an array of strings (the two forms of
// aud, RFC 7519 §4.1.3).
func (p *jsonReader) StringOrArray() ([]string, error) {
	if p.IsString() {
		s, err := p.String()
		return []string{s}, err
	}
	if p.s[p.i] != '[' {
		return nil, errJSONType
	}
	p.i++
	var out []string
	for {
		p.ws()
		switch p.s[p.i] {
		case ']':
			p.i++
			return out, nil
		case ',':
			p.i++
			p.ws()
		}
		if !p.IsString() {
			return nil, errJSONType
		}
		s, err := p.String()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
}

// jsonNames remembers the member names of one object to refuse duplicates.
// Known names are bits; other names are kept in a slice that is only
// allocated when an object carries a member its reader does not know.
type jsonNames struct {
	known uint32
	other []string
}

// Has reports whether known name number bit was added.
func (n *jsonNames) Has(bit int) bool { return n.known&(1<<bit) != 0 }

// Known returns the known names added, as bits.
func (n *jsonNames) Known() uint32 { return n.known }

// Add records name, which is known name number bit (or -1 if unknown), and
// reports whether it was new.
func (n *jsonNames) Add(name string, bit int) bool {
	if bit >= 0 {
		if n.known&(1<<bit) != 0 {
			return false
		}
		n.known |= 1 << bit
		return true
	}
	for _, o := range n.other {
		if o == name {
			return false
		}
	}
	n.other = append(n.other, name)
	return true
}
