package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"oauthtime/internal/wire"
)

// RecheckInterval is how often a service asks again whether the authserver
// still refuses its client credentials: once a minute spends one failure a
// minute against the authserver's brute-force limit, far under it.
const RecheckInterval = time.Minute

// ErrCredentialsRefused is what a service's upstream calls return, without
// being sent, while the authserver is known to refuse its own client
// credentials.
var ErrCredentialsRefused = errors.New("the authserver refused our client credentials")

// Credentials follows whether the authserver accepts a service's own
// client credentials. Once it refuses them, the service stops sending them
// (so that a wrong secret cannot lock its neighbours on the same address
// out through the brute-force limit), its callers are answered at once,
// and its /readyz is 503, until a check once a minute finds them accepted.
// A nil *Credentials accepts everything.
type Credentials struct {
	log      *slog.Logger
	client   *Client
	endpoint wire.Endpoint // where the credentials are presented
	// advice names the settings that must match, for the log line.
	advice string

	mu      sync.Mutex
	refused bool
	wake    chan struct{} // signalled when they become refused
}

// NewCredentials returns a Credentials, not yet known refused, for the
// client credentials that endpoint presents, called through client.
func NewCredentials(log *slog.Logger, advice string, client *Client, endpoint wire.Endpoint) *Credentials {
	return &Credentials{log: log, client: client, endpoint: endpoint, advice: advice, wake: make(chan struct{}, 1)}
}

// check presents the credentials with an empty form: an authserver that
// accepts them answers 400 (invalid_request) and issues nothing. The call
// is not recorded in the metrics, which count the calls made for callers.
func (c *Credentials) check(ctx context.Context) (int, error) {
	req, err := c.endpoint.NewRequest(ctx, url.Values{})
	if err != nil {
		return 0, err
	}
	status, _, err := c.client.Unrecorded().Call(req, 64<<10)
	return status, err
}

// Refused returns ErrCredentialsRefused while the credentials are known to
// be refused, else nil.
func (c *Credentials) Refused() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refused {
		return ErrCredentialsRefused
	}
	return nil
}

// Observe takes the authserver's status for a request that presented the
// credentials: 401 (invalid_client) and 403 (not allowed) refuse them; 429
// is the brute-force limit, no verdict on them.
func (c *Credentials) Observe(status int) {
	if c != nil && (status == http.StatusUnauthorized || status == http.StatusForbidden) {
		c.set(true, status)
	}
}

func (c *Credentials) set(refused bool, status int) {
	c.mu.Lock()
	changed := c.refused != refused
	c.refused = refused
	c.mu.Unlock()
	switch {
	case changed && refused:
		c.log.Error("the authserver refused our client credentials: "+c.advice,
			slog.Int("status", status), slog.String("recheck", RecheckInterval.String()))
		select {
		case c.wake <- struct{}{}:
		default:
		}
	case changed:
		c.log.Info("the authserver accepts our client credentials again")
	}
}

// Watch checks the credentials until ctx is done: at start, again while the
// authserver is unreachable or overloaded (no verdict), and once a minute
// while they are refused. It never ends the process.
func (c *Credentials) Watch(ctx context.Context) {
	backoff := time.Second
	for {
		status, err := c.check(ctx)
		wait := RecheckInterval
		switch {
		case ctx.Err() != nil:
			return
		case err != nil || status == http.StatusTooManyRequests || status >= 500:
			wait, backoff = backoff, min(2*backoff, 30*time.Second)
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			c.set(true, status)
		default:
			c.set(false, status)
			backoff = time.Second
			select { // until a call finds them refused
			case <-c.wake:
			case <-ctx.Done():
				return
			}
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return
		}
	}
}
