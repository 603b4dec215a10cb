package webapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"oauthtime/internal/httpx"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// maxAnswer bounds what the webapp reads of an upstream answer; real ones
// are well under 1 KiB.
const maxAnswer = 64 << 10

// Upstream names, as the caller sees them in errors.
const (
	authserver     = "authserver"
	resourceserver = "resourceserver"
)

// tokenClient gets tokens from the authserver with the password grant. It
// implements TokenSource.
type tokenClient struct {
	client   *httpx.Client
	endpoint wire.Endpoint // called as the webapp's own client
	creds    *httpx.Credentials
}

// credentialsAdvice names what must match when the authserver refuses the
// webapp's credentials.
const credentialsAdvice = "WEBAPP_CLIENT_ID and WEBAPP_CLIENT_SECRET must match a password-grant client in the authserver's clients (AUTH_CLIENTS_FILE)"

func newTokenClient(log *slog.Logger, client *httpx.Client, authURL, clientID string, sec secret.String) *tokenClient {
	c := &tokenClient{client: client, endpoint: wire.NewEndpoint(authURL+"/token", clientID, sec.Reveal())}
	c.creds = httpx.NewCredentials(log, credentialsAdvice, client, c.endpoint)
	return c
}

// Token implements TokenSource.
func (c *tokenClient) Token(ctx context.Context, owner Owner, scope string) (secret.String, error) {
	if err := c.creds.Refused(); err != nil {
		return secret.String{}, &Error{Kind: KindClientRefused, Service: authserver, Err: fmt.Errorf("%w (known since a check, not sent again before the next)", err)}
	}
	form := url.Values{
		"grant_type": {wire.GrantPassword},
		"username":   {owner.Username},
		"password":   {owner.Password.Reveal()},
		"scope":      {scope},
	}
	req, err := c.endpoint.NewRequest(ctx, form)
	if err != nil {
		return secret.String{}, &Error{Kind: KindUnavailable, Service: authserver, Err: err}
	}
	status, raw, err := call(c.client, req, authserver)
	if err != nil {
		return secret.String{}, err
	}
	c.creds.Observe(status)
	return parseToken(status, raw)
}

// parseToken reads the authserver's answer to a token request.
func parseToken(status int, raw []byte) (secret.String, error) {
	if status != http.StatusOK {
		var answer struct{ Error string } // the error member, if the body has one
		json.Unmarshal(raw, &answer)
		code := answer.Error
		if status == http.StatusBadRequest && code == wire.CodeInvalidGrant {
			return secret.String{}, &Error{Kind: KindOwnerRefused}
		}
		if status == http.StatusUnauthorized || status == http.StatusTooManyRequests {
			return secret.String{}, &Error{Kind: KindClientRefused, Service: authserver,
				Err: fmt.Errorf("status %d: the authserver refused our client credentials: %s", status, credentialsAdvice)}
		}
		ue := statusError(authserver, status, raw)
		if code != "" {
			ue.Err = fmt.Errorf("%w: %s", ue.Err, httpx.SafeText(code))
		}
		return secret.String{}, ue
	}
	var answer struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return secret.String{}, &Error{Kind: KindBadAnswer, Service: authserver, Err: err}
	}
	token, tokenType := answer.AccessToken, answer.TokenType
	if !strings.EqualFold(tokenType, "Bearer") || len(token) > wire.MaxTokenSize || !wire.ValidB64Token(token) {
		return secret.String{}, &Error{Kind: KindBadAnswer, Service: authserver, Err: errors.New("no usable Bearer access_token")}
	}
	return secret.New(token), nil
}

// resourceClient reads the resourceserver's resources. It implements
// Resources.
type resourceClient struct {
	client *httpx.Client
	base   string
}

func newResourceClient(client *httpx.Client, base string) *resourceClient {
	return &resourceClient{client: client, base: base}
}

// CurrentTime implements Resources.
func (c *resourceClient) CurrentTime(ctx context.Context, token secret.String) (string, error) {
	status, raw, err := c.get(ctx, "/current_time", token)
	if err != nil {
		return "", err
	}
	return parseCurrentTime(status, raw)
}

// EpochTime implements Resources.
func (c *resourceClient) EpochTime(ctx context.Context, token secret.String) (int64, error) {
	status, raw, err := c.get(ctx, "/epoch_time", token)
	if err != nil {
		return 0, err
	}
	return parseEpochTime(status, raw)
}

func (c *resourceClient) get(ctx context.Context, path string, token secret.String) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return 0, nil, &Error{Kind: KindUnavailable, Service: resourceserver, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token.Reveal())
	return call(c.client, req, resourceserver)
}

// parseCurrentTime reads {"current_time": "<RFC 3339>"}.
func parseCurrentTime(status int, raw []byte) (string, error) {
	if status != http.StatusOK {
		return "", statusError(resourceserver, status, raw)
	}
	var answer struct {
		CurrentTime *string `json:"current_time"`
	}
	err := json.Unmarshal(raw, &answer)
	if err == nil && answer.CurrentTime == nil {
		err = errors.New("no current_time")
	}
	if err == nil {
		_, err = time.Parse(time.RFC3339, *answer.CurrentTime)
	}
	if err != nil {
		return "", &Error{Kind: KindBadAnswer, Service: resourceserver, Err: err}
	}
	return *answer.CurrentTime, nil
}

// parseEpochTime reads {"epoch_time": <integer>}.
func parseEpochTime(status int, raw []byte) (int64, error) {
	if status != http.StatusOK {
		return 0, statusError(resourceserver, status, raw)
	}
	var answer struct {
		EpochTime *int64 `json:"epoch_time"` // a whole number of seconds
	}
	err := json.Unmarshal(raw, &answer)
	if err == nil && answer.EpochTime == nil {
		err = errors.New("no epoch_time")
	}
	if err != nil {
		return 0, &Error{Kind: KindBadAnswer, Service: resourceserver, Err: err}
	}
	return *answer.EpochTime, nil
}

// call sends req and reads the answer, turning transport failures into
// fetch errors.
func call(client *httpx.Client, req *http.Request, service string) (int, []byte, error) {
	status, raw, err := client.Call(req, maxAnswer)
	if err != nil {
		return 0, nil, transportError(service, err)
	}
	return status, raw, nil
}

func transportError(service string, err error) error {
	kind := KindUnavailable
	switch {
	case httpx.IsUnreachable(err):
		// Down, even when the connect timed out: 503, not 504.
	case httpx.IsTimeout(err):
		kind = KindTimeout
	case errors.Is(err, httpx.ErrTooLarge):
		kind = KindBadAnswer
	}
	return &Error{Kind: kind, Service: service, Err: err}
}

// statusError classifies an upstream's error status: it refused the webapp
// (4xx), is down or overloaded (429, 5xx), or answered with a status none of
// them sends (anything else). A 502 is the upstream's own upstream failing:
// its error_description, if any, says how, and is passed on.
func statusError(service string, status int, raw []byte) *Error {
	kind := KindBadAnswer
	switch {
	case status == http.StatusBadGateway:
	case status == http.StatusTooManyRequests || status >= 500 && status <= 599:
		kind = KindUnavailable
	case status >= 400 && status <= 499:
		kind = KindRefused
	}
	e := &Error{Kind: kind, Service: service, Err: fmt.Errorf("status %d", status)}
	var answer struct {
		Description string `json:"error_description"`
	}
	if status == http.StatusBadGateway && json.Unmarshal(raw, &answer) == nil && answer.Description != "" {
		e.Detail = httpx.SafeText(answer.Description)
	}
	return e
}
