package oauth

import (
	"net/url"
)

// Form holds the parameters of an application/x-www-form-urlencoded body,
// one value each. Parameters sent without a value are left out, as RFC 6749
// §3.2 says they must be treated as omitted.
type Form map[string]string

// ParseForm parses a form body. A parameter given a value more than once is
// an error (RFC 6749 §3.2), as is bad %-encoding.
func ParseForm(body string) (Form, error) {
	values, err := url.ParseQuery(body)
	if err != nil {
		return nil, invalidRequest("the request body is not a valid form")
	}
	f := make(Form, len(values))
	for k, vs := range values {
		for _, v := range vs {
			if v == "" {
				continue
			}
			if _, dup := f[k]; dup {
				return nil, invalidRequest("a parameter is repeated")
			}
			f[k] = v
		}
	}
	return f, nil
}
