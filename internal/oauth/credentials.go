package oauth

import (
	"encoding/base64"
	"net/url"
	"strings"

	"oauthtime/internal/secret"
)

// Credentials are what a client presented to authenticate itself.
type Credentials struct {
	// ID is empty when the client presented nothing.
	ID     string
	Secret secret.String
}

// ClientCredentials reads a client's credentials from the value of the
// Authorization header (HTTP Basic, RFC 6749 §2.3.1) or from the client_id
// and client_secret form parameters. Using both methods is an error (§2.3).
// Credentials are never read from the query string (RFC 6749 §2.3.1):
// the form is the request body.
func ClientCredentials(authorization string, form Form) (Credentials, error) {
	if authorization == "" {
		return Credentials{ID: form["client_id"], Secret: secret.New(form["client_secret"])}, nil
	}
	id, sec, err := ParseBasic(authorization)
	if err != nil {
		return Credentials{}, err
	}
	if _, ok := form["client_secret"]; ok {
		return Credentials{}, invalidRequest("use one client authentication method, not both")
	}
	if bodyID, ok := form["client_id"]; ok && bodyID != id {
		return Credentials{}, invalidRequest("client_id does not match the authenticated client")
	}
	return Credentials{ID: id, Secret: secret.New(sec)}, nil
}

// ParseBasic decodes an HTTP Basic Authorization header value as RFC 6749
// §2.3.1 asks: the client identifier and secret are form-urlencoded before
// base64, so they are decoded after (%2B is '+', '+' is a space). A scheme
// other than Basic is an authentication failure; a malformed Basic value is
// an invalid request.
func ParseBasic(authorization string) (id, sec string, err error) {
	scheme, payload, _ := strings.Cut(authorization, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", invalidClient("client authentication must use HTTP Basic")
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(strings.TrimLeft(payload, " "))
	if err != nil {
		return "", "", invalidRequest("the Basic credentials are not valid base64")
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", invalidRequest("the Basic credentials have no colon")
	}
	if id, err = url.QueryUnescape(user); err != nil {
		return "", "", invalidRequest("the Basic credentials are not form-urlencoded")
	}
	if sec, err = url.QueryUnescape(pass); err != nil {
		return "", "", invalidRequest("the Basic credentials are not form-urlencoded")
	}
	if id == "" {
		return "", "", invalidClient("client authentication failed")
	}
	return id, sec, nil
}

// BasicAuthorization returns the Authorization header value that presents
// id and secret as RFC 6749 §2.3.1 asks: each form-urlencoded, then joined
// with a colon and base64-encoded. Clients use it.
func BasicAuthorization(id, sec string) string {
	raw := url.QueryEscape(id) + ":" + url.QueryEscape(sec)
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(raw))
}
