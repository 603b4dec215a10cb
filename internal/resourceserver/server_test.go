package resourceserver

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/httpx"
	"oauthtime/internal/logging"
	"oauthtime/internal/metrics"
	"oauthtime/internal/secret"
	"oauthtime/internal/servicetest"
	"oauthtime/internal/wire"
)

var testNow = time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)

const (
	rsID     = "rs:id"
	rsSecret = "rs secret+%"
)

// fakeAuthserver answers introspection for a few well-known tokens, and
// fails the test if the resource server does not authenticate as itself.
func fakeAuthserver(t *testing.T) *httptest.Server {
	t.Helper()
	answers := map[string]string{
		"good":       `{"active":true,"scope":"current_time epoch_time","aud":"resourceserver","client_id":"1234","sub":"bob","extra":1}`,
		"epoch-only": `{"active":true,"scope":"epoch_time","aud":["resourceserver"]}`,
		"other-aud":  `{"active":true,"scope":"current_time epoch_time","aud":"someone-else"}`,
		"no-aud":     `{"active":true,"scope":"current_time epoch_time"}`,
		"inactive":   `{"active":false}`,
		"garbage":    `{"active":tru`,
		"no-active":  `{"scope":"current_time"}`,
		"aud-number": `{"active":true,"scope":"current_time","aud":5}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/introspect" {
			t.Errorf("resourceserver called %s %s", r.Method, r.URL.Path)
		}
		if got, want := r.Header.Get("Authorization"), wire.BasicAuthorization(rsID, rsSecret); got != want {
			t.Errorf("Authorization = %q, want %q", got, want)
		}
		if r.Header.Get("X-Request-ID") == "" {
			t.Error("X-Request-ID not forwarded")
		}
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		tok := r.PostForm.Get("token")
		switch tok {
		case "status-500":
			w.WriteHeader(http.StatusInternalServerError)
			return
		case "status-401":
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"invalid_client"}`))
			return
		case "status-429":
			w.WriteHeader(http.StatusTooManyRequests)
			return
		case "huge":
			w.Write(bytes.Repeat([]byte(" "), 5<<20))
			return
		case "slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		body, ok := answers[tok]
		if !ok {
			body = `{"active":false}`
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newTestServer(t *testing.T, authURL string) (http.Handler, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	client := httpx.NewClient(300*time.Millisecond, nil, nil)
	t.Cleanup(client.Close)
	log := logging.New(&logs, "resourceserver", slog.LevelInfo)
	in := newIntrospector(log, client, authURL, rsID, secret.New(rsSecret))
	return NewServer(log, NewGuard(in, "resourceserver"), NewTime(clock.NewManual(testNow)), metrics.NewRegistry(), true, in.creds), &logs
}

// TestResourceServer has a row for each answer of the resourceserver that
// README.md's Endpoints section lists.
func TestResourceServer(t *testing.T) {
	t.Parallel()
	auth := fakeAuthserver(t)
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()

	const realm = `Bearer realm="resourceserver"`
	tests := []struct {
		name, path, authorization, authURL string
		status                             int
		challenge, body                    string
	}{
		{"current_time", "/current_time", "Bearer good", "", 200, "", `{"current_time":"2026-01-02T15:04:05Z"}`},
		{"epoch_time", "/epoch_time", "Bearer good", "", 200, "", `{"epoch_time":1767366245}`},
		{"6750-02 scheme case-insensitive", "/epoch_time", "bearer epoch-only", "", 200, "", `{"epoch_time":1767366245}`},
		{"6750-07 no Authorization header", "/current_time", "", "", 401, realm, `{"error":"unauthorized","error_description":"a Bearer token is required"}`},
		{"6750-07 another scheme", "/current_time", "Basic Ym9iOnB3", "", 401, realm, ""},
		{"6750-03 token in the query is not read", "/current_time?access_token=good", "", "", 401, realm, `{"error":"unauthorized","error_description":"a Bearer token is required"}`},
		{"6750-08 empty token", "/current_time", "Bearer ", "", 400, realm + `, error="invalid_request", error_description="the Authorization header must be Bearer and one b64token"`, ""},
		{"6750-08 extra parts", "/current_time", "Bearer good extra", "", 400, realm + `, error="invalid_request", error_description="the Authorization header must be Bearer and one b64token"`, ""},
		{"6750-02 outside b64token", "/current_time", "Bearer go\"od", "", 400, realm + `, error="invalid_request", error_description="the Authorization header must be Bearer and one b64token"`, ""},
		{"6750-08 inactive", "/current_time", "Bearer inactive", "", 401, realm + `, error="invalid_token", error_description="the access token is invalid or expired"`, ""},
		{"9068-12 aud without ours", "/current_time", "Bearer other-aud", "", 401, realm + `, error="invalid_token", error_description="the access token is invalid or expired"`, ""},
		{"8725-10 aud missing", "/current_time", "Bearer no-aud", "", 401, realm + `, error="invalid_token", error_description="the access token is invalid or expired"`, ""},
		{"6750-06 scope lacks the endpoint's", "/current_time", "Bearer epoch-only", "", 403, realm + `, error="insufficient_scope", error_description="the access token lacks the scope current_time", scope="current_time"`, ""},
		{"authserver unreachable", "/current_time", "Bearer good", downURL, 503, realm, `{"error":"temporarily_unavailable","error_description":"the authorization server is unavailable"}`},
		{"authserver timed out", "/current_time", "Bearer slow", "", 503, realm, ""},
		{"authserver answers garbage", "/current_time", "Bearer garbage", "", 503, realm, ""},
		{"authserver answers without active", "/current_time", "Bearer no-active", "", 503, realm, ""},
		{"authserver answers a bad aud", "/current_time", "Bearer aud-number", "", 503, realm, ""},
		{"authserver answers 500", "/current_time", "Bearer status-500", "", 503, realm, ""},
		{"authserver refuses our credentials", "/current_time", "Bearer status-401", "", 502, realm, ""},
		{"authserver rate limits our credentials", "/current_time", "Bearer status-429", "", 502, realm, ""},
		{"authserver answers 5 MB", "/current_time", "Bearer huge", "", 503, realm, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url := auth.URL
			if tt.authURL != "" {
				url = tt.authURL
			}
			h, logs := newTestServer(t, url)
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.authorization != "" {
				req.Header.Set("Authorization", tt.authorization)
			}
			w := httptest.NewRecorder()
			start := time.Now()
			h.ServeHTTP(w, req)
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v, want at most the 300ms timeout and change", d)
			}
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tt.status, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if got := w.Header().Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %s\nwant              %s", got, tt.challenge)
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body %q: %v", w.Body, err)
			}
			if tt.body != "" && strings.TrimSpace(w.Body.String()) != tt.body {
				t.Errorf("body = %s, want %s", w.Body, tt.body)
			}
			if tt.status != 200 && (body["error"] == "" || body["error_description"] == "") {
				t.Errorf("error body = %v", body)
			}
			servicetest.AssertNoSecrets(t, logs.String(), rsSecret, "Bearer good")
		})
	}
}

// Test6750_01TokenInQueryAndHeader: two methods at once is a malformed request.
func Test6750_01TokenInQueryAndHeader(t *testing.T) {
	t.Parallel()
	h, _ := newTestServer(t, fakeAuthserver(t).URL)
	req := httptest.NewRequest(http.MethodGet, "/current_time?access_token=good", nil)
	req.Header.Set("Authorization", "Bearer good")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 400 || !strings.Contains(w.Header().Get("WWW-Authenticate"), `error="invalid_request"`) {
		t.Fatalf("status %d, WWW-Authenticate %q", w.Code, w.Header().Get("WWW-Authenticate"))
	}
}

func TestRoutes(t *testing.T) {
	t.Parallel()
	h, _ := newTestServer(t, fakeAuthserver(t).URL)
	for _, tt := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"GET", "/healthz", 200, ""},
		{"GET", "/nope", 404, ""},
		{"POST", "/current_time", 405, "GET, HEAD"},
		{"DELETE", "/epoch_time", 405, "GET, HEAD"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
		if w.Code != tt.status || w.Header().Get("Allow") != tt.allow || w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: %d %v %s", tt.method, tt.path, w.Code, w.Header(), w.Body)
		}
	}
}
