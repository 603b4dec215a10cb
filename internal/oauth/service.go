package oauth

import (
	"context"
	"errors"
	"strconv"
	"unicode/utf8"

	"oauthtime/internal/jwt"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// Service is the authorization server: it issues access tokens with the
// password grant and introspects them. It is safe for concurrent use.
type Service struct {
	clients  *Registry
	issuer   *jwt.Issuer
	verifier *jwt.Verifier
	limiter  *Limiter
}

// NewService returns a Service. limiter may be nil (no brute-force limit).
func NewService(clients *Registry, issuer *jwt.Issuer, verifier *jwt.Verifier, limiter *Limiter) *Service {
	return &Service{clients: clients, issuer: issuer, verifier: verifier, limiter: limiter}
}

// ClientIDs returns the registered client IDs, sorted.
func (s *Service) ClientIDs() []string { return s.clients.IDs() }

// Admit refuses a caller that has failed client authentication too often.
// The transport calls it before reading the rest of a request, to spare the
// work; the limit itself is enforced where the secret is compared.
func (s *Service) Admit(caller string) error { return s.limiter.Admit(caller) }

// TokenRequest is a token request (RFC 6749 §4.3.2), parsed.
type TokenRequest struct {
	Client Credentials
	// Caller identifies where the request came from (an IP address): the
	// key of the brute-force limit.
	Caller    string
	GrantType string
	Username  string
	Password  secret.String
	// Scope is the requested scope, empty for the client's default.
	Scope string
}

// TokenResponse is a successful token response (RFC 6749 §5.1).
type TokenResponse struct {
	AccessToken secret.String
	TokenType   string
	ExpiresIn   int64
	Scope       string
	// ID is the token's jti, safe to log.
	ID string
}

// Token runs the resource owner password grant. The checks come in the order
// a client can act on them: who is asking, then what grant, then the
// resource owner, then the scope.
func (s *Service) Token(_ context.Context, req TokenRequest) (TokenResponse, error) {
	client, err := s.authenticate(req.Caller, req.Client)
	if err != nil {
		return TokenResponse{}, err
	}
	switch {
	case req.GrantType == "":
		return TokenResponse{}, invalidRequest("grant_type is required")
	case req.GrantType != wire.GrantPassword:
		return TokenResponse{}, &Error{Kind: KindInvalid, Code: wire.CodeUnsupportedGrantType, Description: "only the password grant is supported"}
	case !client.Allows(wire.GrantPassword):
		return TokenResponse{}, &Error{Kind: KindInvalid, Code: wire.CodeUnauthorizedClient, Description: "the client may not use the password grant"}
	case req.Username == "" || req.Password.Empty():
		return TokenResponse{}, invalidRequest("username and password are required")
	case !utf8.ValidString(req.Username):
		return TokenResponse{}, invalidRequest("the username is not UTF-8")
	case hasControl(req.Username):
		return TokenResponse{}, invalidRequest("the username has control characters")
	}
	// There is no user store: the system grants any non-empty username (README.md, Security) and
	// password. This is where a real one would answer invalid_grant.
	scope, err := client.grantScope(req.Scope)
	if err != nil {
		return TokenResponse{}, err
	}
	tok, err := s.issuer.Issue(req.Username, client.ID, scope)
	if errors.Is(err, jwt.ErrTooLarge) {
		return TokenResponse{}, invalidRequest("the username is too long")
	}
	if err != nil {
		return TokenResponse{}, &Error{Kind: KindInternal, Code: wire.CodeServerError, Description: "the token could not be issued", Err: err}
	}
	return TokenResponse{
		AccessToken: tok.Raw,
		TokenType:   "Bearer",
		ExpiresIn:   tok.ExpiresIn,
		Scope:       scope,
		ID:          tok.ID,
	}, nil
}

// IntrospectRequest is an introspection request (RFC 7662 §2.1), parsed.
type IntrospectRequest struct {
	Client Credentials
	Caller string
	Token  secret.String
}

// Introspection is the answer about one token (RFC 7662 §2.2).
type Introspection struct {
	Active bool
	// Claims are set when Active.
	Claims jwt.Claims
	// Reason says why the token is inactive; for logs, never for the caller.
	Reason error
}

// Introspect tells an authorized resource server whether token is active.
// An inactive token is an answer, not an error (RFC 7662 §2.3).
func (s *Service) Introspect(_ context.Context, req IntrospectRequest) (Introspection, error) {
	client, err := s.authenticate(req.Caller, req.Client)
	if err != nil {
		return Introspection{}, err
	}
	if !client.Introspect {
		return Introspection{}, &Error{Kind: KindForbidden, Code: wire.CodeUnauthorizedClient, Description: "the client may not introspect tokens"}
	}
	if req.Token.Empty() {
		return Introspection{}, invalidRequest("token is required")
	}
	claims, err := s.verifier.Verify(req.Token.Reveal())
	if err != nil {
		return Introspection{Reason: err}, nil
	}
	return Introspection{Active: true, Claims: claims}, nil
}

// authFailure is why a client authentication failed, for logs. It is
// the same work whether the client ID is known or not, so that timing
// does not tell which client IDs exist; the text is only made when logged.
type authFailure struct {
	id    string
	known bool
}

func (e *authFailure) Error() string {
	if !e.known {
		// An unknown ID is not logged: it may be a secret pasted in the wrong field.
		return "unknown client"
	}
	return "wrong secret for client " + strconv.Quote(e.id)
}

// hasControl reports whether s has an ASCII control character: no name
// needs one, and they make logs and tokens hard to read.
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// authenticate checks the client's credentials and counts a failure against
// the caller, in one step with the brute-force limit. Presenting nothing is
// not an attempt and is not counted.
func (s *Service) authenticate(caller string, cred Credentials) (*Client, error) {
	if cred.ID == "" {
		return nil, invalidClient("client authentication is required")
	}
	presented := hashSecret(cred.Secret) // hashed before the lock is taken
	var (
		client *Client
		known  bool
	)
	ok, err := s.limiter.Attempt(caller, func() bool {
		client, known = s.clients.match(cred.ID, &presented)
		return client != nil
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		e := invalidClient("client authentication failed")
		e.Err = &authFailure{id: cred.ID, known: known}
		return nil, e
	}
	return client, nil
}
