package authserver

import (
	"encoding/json"
	"testing"

	"oauthtime/internal/httpx"
)

// TestBodiesMatchEncodingJSON: the token and introspection bodies write
// themselves as encoding/json writes them, empty members left out as the
// tags say, aud as a string or an array.
func TestBodiesMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, v := range []httpx.JSONAppender{
		tokenResponse{AccessToken: "a.b.c", TokenType: "Bearer", ExpiresIn: 5, Scope: "current_time epoch_time"},
		tokenResponse{},
		introspection{},
		introspection{Active: true, Scope: "s", ClientID: "<c&>", Username: "bö\"b", TokenType: "Bearer", Exp: 1795913543, Iat: 1795913538,
			Sub: "bob", Aud: "resourceserver", Iss: "http://localhost:5001", Jti: "j"},
		introspection{Active: true, Aud: []string{"a", "b"}, Exp: -1},
		introspection{Active: true, Aud: []string{}},
	} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.AppendJSON(nil); string(got) != string(want) {
			t.Errorf("AppendJSON = %s\nencoding/json %s", got, want)
		}
	}
}
