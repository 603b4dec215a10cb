// Package jsonobj is a hand-written reader for the one shape of JSON the
// services read: a single object, read member by member. Unlike
// encoding/json it refuses duplicate members (where encoding/json lets the
// last win) and matches names exactly (encoding/json ignores case): RFC
// 7515 §4 and RFC 8725 §3.7 forbid both for tokens, and no answer of ours
// needs them. It uses no reflection and is several times faster. The
// input must be valid UTF-8: check it first.
package jsonobj

import (
	"errors"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth bounds nesting inside members a reader skips.
const maxDepth = 32

// Errors of a Reader.
var (
	// ErrSyntax: the input is not JSON, or not one object.
	ErrSyntax = errors.New("invalid JSON")
	// ErrType: a value is not of the type asked for.
	ErrType = errors.New("wrong JSON type")
)

// Reader reads one JSON object from a string, so that unescaped string
// values are substrings of it and cost no allocation.
type Reader struct {
	s     string
	i     int
	first bool // the next member is the object's first
}

// ErrDuplicate: a member name given twice in one object.
var ErrDuplicate = errors.New("duplicate member name")

// Object reads s, one JSON object, calling member with each member's name
// and the reader at its value; member reads the value, or Skips it. s must
// be valid UTF-8, and no name may be given twice.
func Object(s string, member func(r *Reader, name string) error) error {
	if !utf8.ValidString(s) {
		return ErrSyntax
	}
	r := NewReader(s)
	if err := r.Open(); err != nil {
		return err
	}
	var seenBuf [16]string
	seen := seenBuf[:0]
	for {
		name, ok, err := r.Member()
		if err != nil {
			return err
		}
		if !ok {
			return r.Close()
		}
		if slices.Contains(seen, name) {
			return ErrDuplicate
		}
		seen = append(seen, name)
		if err := member(r, name); err != nil {
			return err
		}
	}
}

// StringOrNull reads a string, or null as "".
func (p *Reader) StringOrNull() (string, error) {
	if p.IsNull() {
		return "", nil
	}
	if !p.IsString() {
		return "", ErrType
	}
	return p.String()
}

// NewReader returns a Reader of s.
func NewReader(s string) *Reader { return &Reader{s: s} }

// Bool reads true or false.
func (p *Reader) Bool() (bool, error) {
	switch {
	case p.literal("true") == nil:
		return true, nil
	case p.literal("false") == nil:
		return false, nil
	}
	return false, ErrType
}

// IsNull reads null, if it is next, and reports whether it was.
func (p *Reader) IsNull() bool { return p.literal("null") == nil }

func (p *Reader) ws() {
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
func (p *Reader) Open() error {
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return ErrSyntax
	}
	p.i++
	p.first = true
	return nil
}

// Member reads the next member name of the object and the ':' after it.
// ok is false once the object has closed.
func (p *Reader) Member() (name string, ok bool, err error) {
	p.ws()
	if p.i >= len(p.s) {
		return "", false, ErrSyntax
	}
	switch c := p.s[p.i]; {
	case c == '}':
		p.i++
		return "", false, nil
	case !p.first && c == ',':
		p.i++
		p.ws()
	case !p.first:
		return "", false, ErrSyntax
	}
	p.first = false
	if name, err = p.String(); err != nil {
		return "", false, err
	}
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != ':' {
		return "", false, ErrSyntax
	}
	p.i++
	p.ws()
	return name, true, nil
}

// Close checks that nothing but white space follows the object.
func (p *Reader) Close() error {
	p.ws()
	if p.i != len(p.s) {
		return ErrSyntax
	}
	return nil
}

// IsString reports whether the next value is a string.
func (p *Reader) IsString() bool { return p.i < len(p.s) && p.s[p.i] == '"' }

// String reads a string value.
func (p *Reader) String() (string, error) {
	if !p.IsString() {
		return "", ErrSyntax
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
			return "", ErrSyntax
		}
	}
	return "", ErrSyntax
}

// unescape finishes a string that has an escape at j.
func (p *Reader) unescape(start, j int) (string, error) {
	b := make([]byte, j-start, len(p.s)-start)
	copy(b, p.s[start:j])
	for j < len(p.s) {
		c := p.s[j]
		switch {
		case c == '"':
			p.i = j + 1
			return string(b), nil
		case c < 0x20:
			return "", ErrSyntax
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(p.s) {
			return "", ErrSyntax
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
				return "", ErrSyntax
			}
			b = utf8.AppendRune(b, r)
			j += n
			continue
		default:
			return "", ErrSyntax
		}
		j += 2
	}
	return "", ErrSyntax
}

// escapedRune decodes \uXXXX at j, with its low surrogate if it needs one,
// and returns the rune and the bytes consumed (0 if invalid). A lone
// surrogate is invalid: it has no UTF-8 form.
func (p *Reader) escapedRune(j int) (rune, int) {
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
func (p *Reader) Number() (string, error) {
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
		return "", ErrSyntax
	}
	if j < len(s) && s[j] == '.' {
		if k := digits(s, j+1); k > j+1 {
			j = k
		} else {
			return "", ErrSyntax
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
			return "", ErrSyntax
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
func (p *Reader) IsNumber() bool {
	return p.i < len(p.s) && (p.s[p.i] == '-' || '0' <= p.s[p.i] && p.s[p.i] <= '9')
}

// Skip reads and discards the next value, checking its syntax.
func (p *Reader) Skip() error { return p.skip(0) }

// skip is Skip, depth levels down.
func (p *Reader) skip(depth int) error {
	if depth > maxDepth {
		return ErrSyntax
	}
	p.ws()
	if p.i >= len(p.s) {
		return ErrSyntax
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
func (p *Reader) skipComposite(open byte, depth int) error {
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
				return ErrSyntax
			}
			p.i++
		}
		if err := p.skip(depth + 1); err != nil {
			return err
		}
		p.ws()
		if p.i >= len(p.s) {
			return ErrSyntax
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case end:
			p.i++
			return nil
		default:
			return ErrSyntax
		}
	}
}

func (p *Reader) literal(word string) error {
	if len(p.s)-p.i < len(word) || p.s[p.i:p.i+len(word)] != word {
		return ErrSyntax
	}
	p.i += len(word)
	return nil
}

// StringOrArray reads a string or an array of strings (the two forms of
// aud, RFC 7519 §4.1.3).
func (p *Reader) StringOrArray() ([]string, error) {
	if p.IsString() {
		s, err := p.String()
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	if p.i >= len(p.s) || p.s[p.i] != '[' {
		return nil, ErrType
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
			return nil, ErrType
		}
		s, err := p.String()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		p.ws()
		if p.i >= len(p.s) {
			return nil, ErrSyntax
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return out, nil
		default:
			return nil, ErrSyntax
		}
	}
}

// Names remembers the member names of one object to refuse duplicates.
// Known names are bits; other names are kept in a slice that is only
// allocated when an object carries a member its reader does not know.
type Names struct {
	known uint32
	other []string
}

// Has reports whether known name number bit was added.
func (n *Names) Has(bit int) bool { return n.known&(1<<bit) != 0 }

// Known returns the known names added, as bits.
func (n *Names) Known() uint32 { return n.known }

// Add records name, which is known name number bit (or -1 if unknown), and
// reports whether it was new.
func (n *Names) Add(name string, bit int) bool {
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
