package oauth

import (
	"strings"

	"oauthtime/internal/wire"
)

// Form holds the parameters of an application/x-www-form-urlencoded body,
// one value each. Parameters sent without a value are left out, as RFC 6749
// §3.2 says they must be treated as omitted.
type Form map[string]string

// ParseForm parses a form body. A parameter given a value more than once is
// an error (RFC 6749 §3.2), as is bad %-encoding.
// It reads the body the way url.ParseQuery does ('&'-separated, '+' for a
// space, ';' refused), straight into one map.
func ParseForm(body string) (Form, error) {
	f := make(Form, 6)
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		if strings.Contains(pair, ";") {
			return nil, invalidRequest("the request body is not a valid form")
		}
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err1 := wire.Unescape(k)
		v, err2 := wire.Unescape(v)
		if err1 != nil || err2 != nil {
			return nil, invalidRequest("the request body is not a valid form")
		}
		if v == "" {
			continue
		}
		if _, dup := f[k]; dup {
			return nil, invalidRequest("a parameter is repeated")
		}
		f[k] = v
	}
	return f, nil
}
