package resourceserver

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// fakeIntrospector answers with info or err and counts calls.
type fakeIntrospector struct {
	info  TokenInfo
	err   error
	calls int
}

func (f *fakeIntrospector) Introspect(context.Context, secret.String) (TokenInfo, error) {
	f.calls++
	return f.info, f.err
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	active := TokenInfo{Active: true, Scope: "current_time epoch_time", Audience: []string{"resourceserver"}}
	tests := []struct {
		name      string
		info      TokenInfo
		err       error
		token     string
		scope     string
		want      Kind // 0 for no error
		wantCalls int
	}{
		{"granted", active, nil, "t", wire.ScopeCurrentTime, 0, 1},
		{"granted among audiences", TokenInfo{Active: true, Scope: "epoch_time", Audience: []string{"x", "resourceserver"}}, nil, "t", wire.ScopeEpochTime, 0, 1},
		{"6750-08 inactive", TokenInfo{}, nil, "t", wire.ScopeCurrentTime, KindInvalidToken, 1},
		{"9068-12 other audience", TokenInfo{Active: true, Scope: "current_time", Audience: []string{"other"}}, nil, "t", wire.ScopeCurrentTime, KindInvalidToken, 1},
		{"8725-10 no audience", TokenInfo{Active: true, Scope: "current_time"}, nil, "t", wire.ScopeCurrentTime, KindInvalidToken, 1},
		{"9068-16 scope missing", TokenInfo{Active: true, Scope: "epoch_time", Audience: []string{"resourceserver"}}, nil, "t", wire.ScopeCurrentTime, KindInsufficientScope, 1},
		{"scope prefix is not the scope", TokenInfo{Active: true, Scope: "current_time_x", Audience: []string{"resourceserver"}}, nil, "t", wire.ScopeCurrentTime, KindInsufficientScope, 1},
		{"authserver down", TokenInfo{}, errors.New("connection refused"), "t", wire.ScopeCurrentTime, KindUnavailable, 1},
		{"oversized token never sent", active, nil, strings.Repeat("a", 4097), wire.ScopeCurrentTime, KindInvalidToken, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeIntrospector{info: tt.info, err: tt.err}
			_, err := NewGuard(f, "resourceserver").Authorize(context.Background(), secret.New(tt.token), tt.scope)
			got, re := Kind(0), (*Error)(nil)
			if errors.As(err, &re) {
				got = re.Kind
			}
			if got != tt.want || (err == nil) != (tt.want == 0) {
				t.Fatalf("Authorize = %v, want an error of kind %d", err, tt.want)
			}
			if f.calls != tt.wantCalls {
				t.Errorf("introspected %d times, want %d", f.calls, tt.wantCalls)
			}
		})
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 15, 4, 5, 999, time.FixedZone("X", 3600))
	tm := NewTime(clock.NewManual(at))
	if got := tm.Current(); got != "2026-01-02T14:04:05Z" {
		t.Errorf("Current() = %q", got)
	}
	if got := tm.Epoch(); got != 1767362645 {
		t.Errorf("Epoch() = %d", got)
	}
}
