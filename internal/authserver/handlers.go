package authserver

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"oauthtime/internal/httpx"
	"oauthtime/internal/metrics"
	"oauthtime/internal/oauth"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// tokenResponse is the body of a successful token response (RFC 6749 §5.1).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int64  `json:"expires_in"`
	Scope       string `json:"scope"`
}

func handleToken(svc *oauth.Service, callers callers, tokens *metrics.CounterVec) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := callers.key(r)
		form, creds, err := readRequest(r, svc, caller)
		if err != nil {
			writeError(w, r, err)
			return
		}
		resp, err := svc.Token(r.Context(), oauth.TokenRequest{
			Client:    creds,
			Caller:    caller,
			GrantType: form["grant_type"],
			Username:  form["username"],
			Password:  secret.New(form["password"]),
			Scope:     form["scope"],
		})
		if err != nil {
			writeError(w, r, err)
			return
		}
		tokens.Inc(creds.ID)
		httpx.Annotate(w, slog.String("client_id", creds.ID), slog.String("scope", resp.Scope), slog.String("jti", resp.ID))
		httpx.NoStore(w)
		httpx.WriteJSON(w, http.StatusOK, tokenResponse{
			AccessToken: resp.AccessToken.Reveal(),
			TokenType:   resp.TokenType,
			ExpiresIn:   resp.ExpiresIn,
			Scope:       resp.Scope,
		})
	})
}

// introspection is the body of an introspection response (RFC 7662 §2.2).
// An inactive token is exactly {"active":false}: every other member is
// omitted when empty.
type introspection struct {
	Active    bool   `json:"active"`
	Scope     string `json:"scope,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
	Username  string `json:"username,omitempty"`
	TokenType string `json:"token_type,omitempty"`
	Exp       int64  `json:"exp,omitempty"`
	Iat       int64  `json:"iat,omitempty"`
	Sub       string `json:"sub,omitempty"`
	Aud       any    `json:"aud,omitempty"`
	Iss       string `json:"iss,omitempty"`
	Jti       string `json:"jti,omitempty"`
}

func handleIntrospect(svc *oauth.Service, callers callers, introspections *metrics.CounterVec) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := callers.key(r)
		form, creds, err := readRequest(r, svc, caller)
		if err != nil {
			writeError(w, r, err)
			return
		}
		// token_type_hint is accepted and ignored: there is one kind of token.
		got, err := svc.Introspect(r.Context(), oauth.IntrospectRequest{
			Client: creds,
			Caller: caller,
			Token:  secret.New(form["token"]),
		})
		if err != nil {
			writeError(w, r, err)
			return
		}
		httpx.NoStore(w)
		if !got.Active {
			introspections.Inc("false")
			httpx.Annotate(w, slog.String("client_id", creds.ID), slog.Bool("active", false), slog.String("reason", got.Reason.Error()))
			httpx.WriteJSON(w, http.StatusOK, introspection{})
			return
		}
		c := got.Claims
		var aud any = c.Audience
		if len(c.Audience) == 1 {
			aud = c.Audience[0]
		}
		introspections.Inc("true")
		httpx.Annotate(w, slog.String("client_id", creds.ID), slog.Bool("active", true), slog.String("jti", c.ID))
		httpx.WriteJSON(w, http.StatusOK, introspection{
			Active: true, Scope: c.Scope, ClientID: c.ClientID, Username: c.Subject,
			TokenType: "Bearer", Exp: c.Expiry, Iat: c.IssuedAt, Sub: c.Subject,
			Aud: aud, Iss: c.Issuer, Jti: c.ID,
		})
	})
}

func handleMetadata(meta Metadata) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		httpx.WriteJSON(w, http.StatusOK, meta)
	})
}

// readRequest does what /token and /introspect share: refuse a rate-limited
// caller before reading anything, then parse the form body and the client's
// credentials. Parameters come from the body only, never the query string.
func readRequest(r *http.Request, svc *oauth.Service, caller string) (oauth.Form, oauth.Credentials, error) {
	if err := svc.Admit(caller); err != nil {
		return nil, oauth.Credentials{}, err
	}
	if !isForm(r.Header.Get("Content-Type")) {
		return nil, oauth.Credentials{}, &oauth.Error{Kind: oauth.KindInvalid, Code: wire.CodeInvalidRequest, Description: "the body must be application/x-www-form-urlencoded"}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, oauth.Credentials{}, &oauth.Error{Kind: oauth.KindTooLarge, Code: wire.CodeInvalidRequest, Description: "the request body is over 64 KiB"}
		}
		return nil, oauth.Credentials{}, &oauth.Error{Kind: oauth.KindInvalid, Code: wire.CodeInvalidRequest, Description: "the request body could not be read", Err: err}
	}
	form, err := oauth.ParseForm(string(body))
	if err != nil {
		return nil, oauth.Credentials{}, err
	}
	authz := r.Header.Values("Authorization")
	if len(authz) > 1 {
		return nil, oauth.Credentials{}, &oauth.Error{Kind: oauth.KindInvalid, Code: wire.CodeInvalidRequest, Description: "more than one Authorization header"}
	}
	creds, err := oauth.ClientCredentials(r.Header.Get("Authorization"), form)
	return form, creds, err
}

// isForm reports whether a Content-Type is application/x-www-form-urlencoded,
// with any parameters (a charset, say).
func isForm(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mt), wire.FormType)
}
