package jwt

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A hand-written reader for the one shape of JSON a JWS header or JWT claims
// set may take: a single object. encoding/json would accept duplicate
// members (the last wins) and match names case-insensitively, both of which
// RFC 7515 §4 and RFC 8725 §3.7 forbid for tokens; it is also several times
// slower. The input has already been checked as UTF-8.

// maxDepth bounds nesting inside members this package ignores.
const maxDepth = 32

var errSyntax = errors.New("invalid JSON")

// parser reads JSON from a string, so that unescaped string values are
// substrings of it and cost no allocation.
type parser struct {
	s     string
	i     int
	first bool // the next member is the object's first
}

func (p *parser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// open consumes the '{' that starts the top-level object.
func (p *parser) open() error {
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return errSyntax
	}
	p.i++
	p.first = true
	return nil
}

// member reads the next member name of the top-level object and the ':'
// after it. ok is false once the object has closed.
func (p *parser) member() (name string, ok bool, err error) {
	p.ws()
	if p.i >= len(p.s) {
		return "", false, errSyntax
	}
	switch c := p.s[p.i]; {
	case c == '}':
		p.i++
		return "", false, nil
	case !p.first && c == ',':
		p.i++
		p.ws()
	case !p.first:
		return "", false, errSyntax
	}
	p.first = false
	if name, err = p.str(); err != nil {
		return "", false, err
	}
	p.ws()
	if p.i >= len(p.s) || p.s[p.i] != ':' {
		return "", false, errSyntax
	}
	p.i++
	p.ws()
	return name, true, nil
}

// close checks that nothing but white space follows the object.
func (p *parser) close() error {
	p.ws()
	if p.i != len(p.s) {
		return errSyntax
	}
	return nil
}

// isString reports whether the next value is a string.
func (p *parser) isString() bool { return p.i < len(p.s) && p.s[p.i] == '"' }

// str reads a string value.
func (p *parser) str() (string, error) {
	if !p.isString() {
		return "", errSyntax
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
			return "", errSyntax
		}
	}
	return "", errSyntax
}

// unescape finishes a string that has an escape at j.
func (p *parser) unescape(start, j int) (string, error) {
	b := make([]byte, j-start, len(p.s)-start)
	copy(b, p.s[start:j])
	for j < len(p.s) {
		c := p.s[j]
		switch {
		case c == '"':
			p.i = j + 1
			return string(b), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(p.s) {
			return "", errSyntax
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
				return "", errSyntax
			}
			b = utf8.AppendRune(b, r)
			j += n
			continue
		default:
			return "", errSyntax
		}
		j += 2
	}
	return "", errSyntax
}

// escapedRune decodes \uXXXX at j, with its low surrogate if it needs one,
// and returns the rune and the bytes consumed (0 if invalid). A lone
// surrogate is invalid: it has no UTF-8 form.
func (p *parser) escapedRune(j int) (rune, int) {
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

// number reads a number value and returns its text.
func (p *parser) number() (string, error) {
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
		return "", errSyntax
	}
	if j < len(s) && s[j] == '.' {
		if k := digits(s, j+1); k > j+1 {
			j = k
		} else {
			return "", errSyntax
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
			return "", errSyntax
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

// isNumber reports whether the next value is a number.
func (p *parser) isNumber() bool {
	return p.i < len(p.s) && (p.s[p.i] == '-' || '0' <= p.s[p.i] && p.s[p.i] <= '9')
}

// numericDate reads a NumericDate (RFC 7519 §2): seconds since the epoch,
// which may have a fraction. The fraction is dropped.
func (p *parser) numericDate() (int64, error) {
	text, err := p.number()
	if err != nil {
		return 0, err
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0, errRange
	}
	return int64(math.Floor(f)), nil
}

var errRange = errors.New("number out of range")

// skip reads and discards any one value, checking its syntax.
func (p *parser) skip(depth int) error {
	if depth > maxDepth {
		return errSyntax
	}
	p.ws()
	if p.i >= len(p.s) {
		return errSyntax
	}
	switch c := p.s[p.i]; c {
	case '"':
		_, err := p.str()
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
		_, err := p.number()
		return err
	}
}

// skipComposite skips an object or an array.
func (p *parser) skipComposite(open byte, depth int) error {
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
			if _, err := p.str(); err != nil {
				return err
			}
			p.ws()
			if p.i >= len(p.s) || p.s[p.i] != ':' {
				return errSyntax
			}
			p.i++
		}
		if err := p.skip(depth + 1); err != nil {
			return err
		}
		p.ws()
		if p.i >= len(p.s) {
			return errSyntax
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case end:
			p.i++
			return nil
		default:
			return errSyntax
		}
	}
}

func (p *parser) literal(word string) error {
	if len(p.s)-p.i < len(word) || p.s[p.i:p.i+len(word)] != word {
		return errSyntax
	}
	p.i += len(word)
	return nil
}

// stringOrArray reads a string or a non-empty array of strings (the two forms of
// aud, RFC 7519 §4.1.3).
func (p *parser) stringOrArray() ([]string, error) {
	if p.isString() {
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	if p.i >= len(p.s) || p.s[p.i] != '[' {
		return nil, errType
	}
	p.i++
	var out []string
	for {
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ']' && len(out) == 0 {
			p.i++
			return out, nil
		}
		if !p.isString() {
			return nil, errType
		}
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		p.ws()
		if p.i >= len(p.s) {
			return nil, errSyntax
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return out, nil
		default:
			return nil, errSyntax
		}
	}
}

var errType = errors.New("wrong JSON type")

// names remembers the member names of one object to reject duplicates.
// Known names are bits; other names are kept in a slice that is only
// allocated when a token carries a member this package does not know.
type names struct {
	known uint32
	other []string
}

// add records name, which is known name number bit (or -1 if unknown), and
// reports whether it was new.
func (n *names) add(name string, bit int) bool {
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
