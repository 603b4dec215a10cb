package resourceserver

import (
	"encoding/json"
	"testing"

	"oauthtime/internal/httpx"
)

func TestBodiesMatchEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, v := range []httpx.JSONAppender{currentTime{"2026-01-02T15:04:05Z"}, currentTime{}, epochTime{1767366245}, epochTime{-1}} {
		want, _ := json.Marshal(v)
		if got := v.AppendJSON(nil); string(got) != string(want) {
			t.Errorf("AppendJSON = %s, encoding/json %s", got, want)
		}
	}
}
