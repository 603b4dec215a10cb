package webapp

import (
	"context"
	"errors"
	"net"
	"net/url"
	"oauthtime/internal/wire"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"oauthtime/internal/httpx"
)

// isFetchError reports whether err is one of the errors the transport maps.
func isFetchError(err error) bool {
	return KindOf(err) != 0
}

// FuzzParseAnswers: whatever the upstreams answer, the webapp either gets
// a usable value or one of its mapped errors, never a panic.
func FuzzParseAnswers(f *testing.F) {
	f.Add(200, `{"access_token":"abc.def.ghi","token_type":"Bearer"}`)
	f.Add(400, `{"error":"invalid_grant"}`)
	f.Add(200, `{"current_time":"2026-01-02T15:04:05Z","epoch_time":1767366245}`)
	f.Add(200, `{"epoch_time":1e3}`)
	f.Add(503, ``)
	f.Add(200, `{"access_token":"a b","token_type":"bearer"}`)
	f.Fuzz(func(t *testing.T, status int, body string) {
		tok, err := parseToken(status, []byte(body))
		if err == nil && !wire.ValidB64Token(tok.Reveal()) {
			t.Fatalf("accepted token %q", tok.Reveal())
		}
		if err != nil && !isFetchError(err) {
			t.Fatalf("parseToken error %v is not mapped", err)
		}
		ct, err := parseCurrentTime(status, []byte(body))
		if err == nil {
			if _, perr := time.Parse(time.RFC3339, ct); perr != nil {
				t.Fatalf("accepted current_time %q", ct)
			}
		} else if !isFetchError(err) {
			t.Fatalf("parseCurrentTime error %v is not mapped", err)
		}
		et, err := parseEpochTime(status, []byte(body))
		if err == nil && !strings.Contains(body, strconv.FormatInt(et, 10)) {
			t.Fatalf("epoch %d is not what %q says", et, body)
		} else if err != nil && !isFetchError(err) {
			t.Fatalf("parseEpochTime error %v is not mapped", err)
		}
	})
}

// TestTransportErrorKinds: an upstream that cannot be connected to is down
// (503), even when the connect itself timed out, as it does for a stopped
// container's address; a call that connected and then ran out of time is
// slow (504).
func TestTransportErrorKinds(t *testing.T) {
	t.Parallel()
	dial := func(err error) error {
		return &url.Error{Op: "Get", URL: "http://resourceserver:5002/current_time", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	tests := []struct {
		name string
		err  error
		want Kind
	}{
		{"connect timed out", dial(os.ErrDeadlineExceeded), KindUnavailable},
		{"connect refused", dial(syscall.ECONNREFUSED), KindUnavailable},
		{"no such host", dial(&net.DNSError{Err: "no such host", Name: "resourceserver", IsNotFound: true}), KindUnavailable},
		{"no answer in time", &url.Error{Op: "Get", URL: "http://x", Err: context.DeadlineExceeded}, KindTimeout},
		{"read timed out", &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}}, KindTimeout},
		{"answer too large", httpx.ErrTooLarge, KindBadAnswer},
	}
	for _, tt := range tests {
		var fe *Error
		if err := transportError(resourceserver, tt.err); !errors.As(err, &fe) || fe.Kind != tt.want {
			t.Errorf("%s: transportError = %v, want kind %v", tt.name, err, tt.want)
		}
	}
}
