package oauth

import (
	"errors"

	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
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
	id, sec, err := wire.ParseBasic(authorization)
	switch {
	case errors.Is(err, wire.ErrMalformedBasic):
		return Credentials{}, invalidRequest(err.Error())
	case err != nil:
		return Credentials{}, invalidClient(err.Error())
	}
	if _, ok := form["client_secret"]; ok {
		return Credentials{}, invalidRequest("use one client authentication method, not both")
	}
	if bodyID, ok := form["client_id"]; ok && bodyID != id {
		return Credentials{}, invalidRequest("client_id does not match the authenticated client")
	}
	return Credentials{ID: id, Secret: secret.New(sec)}, nil
}
