package oauth

import (
	"strings"
)

// parseScope splits a scope parameter into its tokens (RFC 6749 §3.3):
// space-delimited, case-sensitive, each of %x21 / %x23-5B / %x5D-7E.
// Repeated tokens count once. ok is false if a token has other characters.
func parseScope(s string) (tokens []string, ok bool) {
	for _, tok := range strings.Split(s, " ") {
		if tok == "" {
			continue
		}
		for i := 0; i < len(tok); i++ {
			if c := tok[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
				return nil, false
			}
		}
		if !contains(tokens, tok) {
			tokens = append(tokens, tok)
		}
	}
	return tokens, true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// grantScope decides the scope of a token for client: the requested scope
// if the client may have all of it, its whole registered scope if nothing
// was requested. The result lists scopes in the client's registered order,
// so equal grants read the same.
func (c *Client) grantScope(requested string) (string, error) {
	if contains(c.Scope, requested) { // one scope, the common case
		return requested, nil
	}
	tokens, ok := parseScope(requested)
	if !ok {
		return "", invalidScope("the scope is malformed")
	}
	if len(tokens) == 0 {
		if len(c.Scope) == 0 {
			return "", invalidScope("no scope was requested and the client has none")
		}
		return strings.Join(c.Scope, " "), nil
	}
	for _, t := range tokens {
		if !contains(c.Scope, t) {
			return "", invalidScope("the scope is unknown or beyond the client's")
		}
	}
	granted := make([]string, 0, len(tokens))
	for _, s := range c.Scope {
		if contains(tokens, s) {
			granted = append(granted, s)
		}
	}
	return strings.Join(granted, " "), nil
}
