package webapp

import (
	"context"
	"strings"
	"testing"

	"oauthtime/internal/secret"
)

type fakeTokens struct {
	err    error
	scopes []string
}

func (f *fakeTokens) Token(_ context.Context, owner Owner, scope string) (secret.String, error) {
	f.scopes = append(f.scopes, scope)
	return secret.New("token-for-" + owner.Username + "-" + scope), f.err
}

type fakeResources struct {
	tokens []string
	err    error
}

func (f *fakeResources) CurrentTime(_ context.Context, token secret.String) (string, error) {
	f.tokens = append(f.tokens, token.Reveal())
	return "2026-01-02T15:04:05Z", f.err
}

func (f *fakeResources) EpochTime(_ context.Context, token secret.String) (int64, error) {
	f.tokens = append(f.tokens, token.Reveal())
	return 1767366245, f.err
}

func TestFetchScopesEachCall(t *testing.T) {
	t.Parallel()
	tokens, res := &fakeTokens{}, &fakeResources{}
	f := NewFetcher(tokens, res)
	owner := Owner{Username: "alice", Password: secret.New("pw")}
	ct, err := f.CurrentTime(context.Background(), owner)
	if err != nil || ct != "2026-01-02T15:04:05Z" {
		t.Fatalf("CurrentTime = %q, %v", ct, err)
	}
	et, err := f.EpochTime(context.Background(), owner)
	if err != nil || et != 1767366245 {
		t.Fatalf("EpochTime = %d, %v", et, err)
	}
	if len(tokens.scopes) != 2 || tokens.scopes[0] != "current_time" || tokens.scopes[1] != "epoch_time" {
		t.Errorf("scopes asked for: %v", tokens.scopes)
	}
	if len(res.tokens) != 2 || res.tokens[0] != "token-for-alice-current_time" || res.tokens[1] != "token-for-alice-epoch_time" {
		t.Errorf("tokens used: %v", res.tokens)
	}
}

func TestFetchErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		owner     Owner
		tokenErr  error
		resErr    error
		want      Kind
		resCalled bool
	}{
		{"empty username", Owner{Password: secret.New("pw")}, nil, nil, KindOwnerRefused, false},
		{"empty password", Owner{Username: "bob"}, nil, nil, KindOwnerRefused, false},
		{"username too long", Owner{strings.Repeat("u", 1025), secret.New("pw")}, nil, nil, KindOwnerRefused, false},
		{"password too long", Owner{"bob", secret.New(strings.Repeat("p", 1025))}, nil, nil, KindOwnerRefused, false},
		{"username not UTF-8", Owner{"b\xffb", secret.New("pw")}, nil, nil, KindOwnerRefused, false},
		{"username with a control character", Owner{"b\x00b", secret.New("pw")}, nil, nil, KindOwnerRefused, false},
		{"longest username", Owner{strings.Repeat("é", 512), secret.New("pw")}, nil, nil, 0, true},
		{"token refused", Owner{"bob", secret.New("pw")}, &Error{Kind: KindRefused}, nil, KindRefused, false},
		{"authserver down", Owner{"bob", secret.New("pw")}, &Error{Kind: KindUnavailable}, nil, KindUnavailable, false},
		{"resource timed out", Owner{"bob", secret.New("pw")}, nil, &Error{Kind: KindTimeout}, KindTimeout, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := &fakeResources{err: tt.resErr}
			_, err := NewFetcher(&fakeTokens{err: tt.tokenErr}, res).CurrentTime(context.Background(), tt.owner)
			if KindOf(err) != tt.want {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if called := len(res.tokens) > 0; called != tt.resCalled {
				t.Errorf("resource called = %v, want %v", called, tt.resCalled)
			}
		})
	}
}
