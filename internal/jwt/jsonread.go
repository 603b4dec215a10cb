package jwt

// The reader of a token's JSON: a single object, read member by member.
// Unlike encoding/json it refuses duplicate members (where encoding/json
// lets the last win) and matches names exactly (encoding/json ignores
// case): RFC 7515 §4 and RFC 8725 §3.7 forbid both for tokens. The input
// must be valid UTF-8: check it first.

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting inside members a reader skips.
const maxDepth = 32

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

// newJSONReader returns a jsonReader of s.
func newJSONReader(s string) *jsonReader { return &jsonReader{s: s} }

func (p *jsonReader) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// Open consumes the '{' that starts the object.
func (p *jsonReader) Open() error {
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return errJSONSyntax
	}
	p.i++
	p.first = true
	return nil
}

// Member reads the next member name of the object and the ':' after it.
// ok is false once the object has closed.
func (p *jsonReader) Member() (name string, ok bool, err error) {
	p.ws()
	if p.i >= len(p.s) {
		return "", false, errJSONSyntax
	}
	switch c := p.s[p.i]; {
	case c == '}':
		p.i++
		return "", false, nil
	case !p.first && c == ',':
		p.i++
		p.ws()
	case !p.first:
		return "", false, errJSONSyntax
	}
	p.first = false
	if name, err = p.String(); err != nil {
		return "", false, err
	}
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != ':' {
		return "", false, errJSONSyntax
	}
	p.i++
	p.ws()
	return name, true, nil
}

// Close checks that nothing but white space follows the object.
func (p *jsonReader) Close() error {
	p.ws()
	if p.i != len(p.s) {
		return errJSONSyntax
	}
	return nil
}

// IsString reports whether the next value is a string.
func (p *jsonReader) IsString() bool { return p.i < len(p.s) && p.s[p.i] == '"' }

// String reads a string value.
func (p *jsonReader) String() (string, error) {
	if !p.IsString() {
		return "", errJSONSyntax
	}
	start := p.i + 1
	for j := start; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '"':
			p.i = j + 1
			return p.s[start:j], nil
		case c == '\\':
			return p.unescape(start, j)
		case c < 0x20:
			return "", errJSONSyntax
		}
	}
	return "", errJSONSyntax
}

// unescape finishes a string that has an escape at j.
func (p *jsonReader) unescape(start, j int) (string, error) {
	b := make([]byte, j-start, len(p.s)-start)
	copy(b, p.s[start:j])
	for j < len(p.s) {
		c := p.s[j]
		switch {
		case c == '"':
			p.i = j + 1
			return string(b), nil
		case c < 0x20:
			return "", errJSONSyntax
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(p.s) {
			return "", errJSONSyntax
		}
		switch p.s[j+1] {
		case '"', '\\', '/':
			b = append(b, p.s[j+1])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, n := p.escapedRune(j)
			if n == 0 {
				return "", errJSONSyntax
			}
			b = utf8.AppendRune(b, r)
			j += n
			continue
		default:
			return "", errJSONSyntax
		}
		j += 2
	}
	return "", errJSONSyntax
}

// escapedRune decodes \uXXXX at j, with its low surrogate if it needs one,
// and returns the rune and the bytes consumed (0 if invalid). A lone
// surrogate is invalid: it has no UTF-8 form.
func (p *jsonReader) escapedRune(j int) (rune, int) {
	r1, ok := hex4(p.s, j)
	if !ok {
		return 0, 0
	}
	if !utf16.IsSurrogate(r1) {
		return r1, 6
	}
	r2, ok := hex4(p.s, j+6)
	if !ok {
		return 0, 0
	}
	r := utf16.DecodeRune(r1, r2)
	if r == utf8.RuneError {
		return 0, 0
	}
	return r, 12
}

// hex4 decodes the \uXXXX escape at s[j:].
func hex4(s string, j int) (rune, bool) {
	if j+6 > len(s) || s[j] != '\\' || s[j+1] != 'u' {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[j+2 : j+6]) {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// Number reads a number value and returns its text.
func (p *jsonReader) Number() (string, error) {
	s, start, j := p.s, p.i, p.i
	if j < len(s) && s[j] == '-' {
		j++
	}
	switch {
	case j < len(s) && s[j] == '0':
		j++
	case j < len(s) && '1' <= s[j] && s[j] <= '9':
		j = digits(s, j)
	default:
		return "", errJSONSyntax
	}
	if j < len(s) && s[j] == '.' {
		if k := digits(s, j+1); k > j+1 {
			j = k
		} else {
			return "", errJSONSyntax
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if k := digits(s, j); k > j {
			j = k
		} else {
			return "", errJSONSyntax
		}
	}
	p.i = j
	return s[start:j], nil
}

func digits(s string, j int) int {
	for j < len(s) && '0' <= s[j] && s[j] <= '9' {
		j++
	}
	return j
}

// IsNumber reports whether the next value is a number.
func (p *jsonReader) IsNumber() bool {
	return p.i < len(p.s) && (p.s[p.i] == '-' || '0' <= p.s[p.i] && p.s[p.i] <= '9')
}

// Skip reads and discards the next value, checking its syntax.
func (p *jsonReader) Skip() error { return p.skip(0) }

// skip is Skip, depth levels down.
func (p *jsonReader) skip(depth int) error {
	if depth > maxDepth {
		return errJSONSyntax
	}
	p.ws()
	if p.i >= len(p.s) {
		return errJSONSyntax
	}
	switch c := p.s[p.i]; c {
	case '"':
		_, err := p.String()
		return err
	case '{', '[':
		return p.skipComposite(c, depth)
	case 't':
		return p.literal("true")
	case 'f':
		return p.literal("false")
	case 'n':
		return p.literal("null")
	default:
		_, err := p.Number()
		return err
	}
}

// skipComposite skips an object or an array.
func (p *jsonReader) skipComposite(open byte, depth int) error {
	end := byte(']')
	if open == '{' {
		end = '}'
	}
	p.i++
	p.ws()
	if p.i < len(p.s) && p.s[p.i] == end {
		p.i++
		return nil
	}
	for {
		if open == '{' {
			p.ws()
			if _, err := p.String(); err != nil {
				return err
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return errJSONSyntax
			}
			p.i++
		}
		if err := p.skip(depth + 1); err != nil {
			return err
		}
		p.ws()
		if p.i >= len(p.s) {
			return errJSONSyntax
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case end:
			p.i++
			return nil
		default:
			return errJSONSyntax
		}
	}
}

func (p *jsonReader) literal(word string) error {
	if len(p.s)-p.i < len(word) || p.s[p.i:p.i+len(word)] != word {
		return errJSONSyntax
	}
	p.i += len(word)
	return nil
}

// StringOrArray reads a string or an array of strings (the two forms of
// aud, RFC 7519 §4.1.3).
func (p *jsonReader) StringOrArray() ([]string, error) {
	if p.IsString() {
		s, err := p.String()
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	if p.i >= len(p.s) || p.s[p.i] != '[' {
		return nil, errJSONType
	}
	p.i++
	var out []string
	for {
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ']' && len(out) == 0 {
			p.i++
			return out, nil
		}
		if !p.IsString() {
			return nil, errJSONType
		}
		s, err := p.String()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		p.ws()
		if p.i >= len(p.s) {
			return nil, errJSONSyntax
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return out, nil
		default:
			return nil, errJSONSyntax
		}
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
