package authserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"oauthtime/internal/wire"
)

// The authserver's two hot handlers, through the whole middleware, with no
// network: go test -run '^$' -bench . ./internal/authserver

func BenchmarkTokenHandler(b *testing.B) {
	s := newTestServer(b, 0)
	auth := wire.BasicAuthorization("1234", "qwerty")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(pwGrant+"&scope=current_time"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
		s.logs.Reset() // the access line was written; keep memory flat
	}
}

func BenchmarkIntrospectHandler(b *testing.B) {
	s := newTestServer(b, 0)
	tok := s.token(b, "current_time")
	body := "token=" + tok
	auth := wire.BasicAuthorization("resourceserver", "resourceserver-secret")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest(http.MethodPost, "/introspect", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		s.h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code, w.Body)
		}
		s.logs.Reset() // the access line was written; keep memory flat
	}
}
