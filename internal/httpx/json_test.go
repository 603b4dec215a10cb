package httpx

import (
	"encoding/json"
	"testing"
)

// matchesJSON fails unless v's AppendJSON is what encoding/json writes.
func matchesJSON(t *testing.T, v JSONAppender) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.AppendJSON(nil); string(got) != string(want) {
		t.Errorf("AppendJSON = %s\nencoding/json %s", got, want)
	}
}

func TestErrorBodyMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	matchesJSON(t, errorBody{Error: "invalid_request"})
	matchesJSON(t, errorBody{Error: "invalid_request", Description: "the <body> & more"})
}
