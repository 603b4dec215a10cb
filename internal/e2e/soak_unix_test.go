//go:build unix

package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"oauthtime/internal/httpx"
)

// The soak tests run the three real binaries under load. They are off by
// default; SOAK sets how long each runs and SOAK_CALLERS how many callers
// there are (default 64):
//
//	SOAK=60s go test -run Soak -v -timeout 20m ./internal/e2e

func soakSettings(t *testing.T) (time.Duration, int) {
	t.Helper()
	s := os.Getenv("SOAK")
	if s == "" {
		t.Skip("set SOAK=60s to run the soak tests")
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		t.Fatalf("SOAK=%q is not a duration", s)
	}
	n := 64
	if c := os.Getenv("SOAK_CALLERS"); c != "" {
		if n, err = strconv.Atoi(c); err != nil || n < 1 {
			t.Fatalf("SOAK_CALLERS=%q", c)
		}
	}
	return d, n
}

// soakSystem is the three binaries, with one signing key so that a
// restarted authserver accepts the tokens of the one before it.
type soakSystem struct {
	auth, res, web *proc
}

func startSoakSystem(t *testing.T) *soakSystem {
	auth := startProc(t, "authserver", map[string]string{"AUTH_ADDR": "127.0.0.1:0", "AUTH_SIGNING_KEY": signingKey})
	res := startProc(t, "resourceserver", map[string]string{"RESOURCE_ADDR": "127.0.0.1:0", "RESOURCE_AUTH_URL": auth.url()})
	web := startProc(t, "webapp", map[string]string{"WEBAPP_ADDR": "127.0.0.1:0", "WEBAPP_AUTH_URL": auth.url(), "WEBAPP_RESOURCE_URL": res.url()})
	return &soakSystem{auth: auth, res: res, web: web}
}

// callRecord is one call of the load.
type callRecord struct {
	start, end time.Time
	status     int  // 0: no HTTP answer
	ok         bool // 200 with a well-formed body
}

// runLoad has n callers call both webapp endpoints in turn until ctx ends.
func runLoad(ctx context.Context, client *http.Client, base string, n int) []callRecord {
	var mu sync.Mutex
	var all []callRecord
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var mine []callRecord
			paths := []string{"/current_time", "/epoch_time"}
			for j := i; ctx.Err() == nil; j++ {
				path := paths[j%2]
				r := callRecord{start: time.Now()}
				req, _ := http.NewRequest(http.MethodGet, base+path, nil)
				resp, err := client.Do(req)
				if err == nil {
					body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
					resp.Body.Close()
					r.status = resp.StatusCode
					r.ok = resp.StatusCode == 200 && wellFormed(path, string(body))
				}
				r.end = time.Now()
				mine = append(mine, r)
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	return all
}

func wellFormed(path, body string) bool {
	if path == "/current_time" {
		return rfc3339Line.MatchString(body)
	}
	return epochLine.MatchString(body)
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[int(float64(len(sorted)-1)*p)]
}

func latencies(calls []callRecord) []time.Duration {
	ds := make([]time.Duration, len(calls))
	for i, c := range calls {
		ds[i] = c.end.Sub(c.start)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds
}

func loadClient(t *testing.T, n int) *http.Client {
	tr := &http.Transport{MaxIdleConns: 4 * n, MaxIdleConnsPerHost: 2 * n, IdleConnTimeout: time.Minute}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// TestSoak: n callers for the SOAK duration; no call may fail, memory stays
// small, goroutines come back, connections are reused.
func TestSoak(t *testing.T) {
	d, n := soakSettings(t)
	sys := startSoakSystem(t)
	procs := []*proc{sys.auth, sys.res, sys.web}
	before := map[string]float64{}
	for _, p := range procs {
		before[p.name] = p.stats(t)["goroutines"].(float64)
	}

	client := loadClient(t, n)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	started := time.Now()
	calls := runLoad(ctx, client, sys.web.url(), n)
	elapsed := time.Since(started)
	client.CloseIdleConnections()

	failed := 0
	statuses := map[int]int{}
	for _, c := range calls {
		if !c.ok {
			failed++
			statuses[c.status]++
		}
	}
	ds := latencies(calls)
	t.Logf("soak: %d callers for %v on %d cores: %d calls, %.0f calls/s, p50 %v, p99 %v, max %v, failed %d %v",
		n, d, runtime.NumCPU(), len(calls), float64(len(calls))/elapsed.Seconds(),
		percentile(ds, 0.50).Round(time.Microsecond), percentile(ds, 0.99).Round(time.Microsecond), ds[len(ds)-1].Round(time.Millisecond), failed, statuses)
	if failed > 0 {
		t.Errorf("%d of %d calls failed: %v", failed, len(calls), statuses)
	}

	// Idle upstream connections close after httpx.IdleConnTimeout; then
	// every service should be back to its starting goroutines.
	deadline := time.Now().Add(httpx.IdleConnTimeout + 10*time.Second)
	for _, p := range procs {
		after := p.stats(t)["goroutines"].(float64)
		for after > before[p.name]+10 && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			after = p.stats(t)["goroutines"].(float64)
		}
		rss := p.peakRSS(t)
		t.Logf("%s: peak RSS %.1f MB, goroutines %v before, %v after", p.name, float64(rss)/1e6, before[p.name], after)
		if rss > 25e6 {
			t.Errorf("%s: peak RSS %d bytes, over 25 MB", p.name, rss)
		}
		if after > before[p.name]+10 {
			t.Errorf("%s: %v goroutines after, %v before", p.name, after, before[p.name])
		}
	}
	for _, p := range []*proc{sys.web, sys.res, sys.auth} {
		p.stop(t)
	}
	webUp := sys.web.lines(t, "upstream connections")
	resUp := sys.res.lines(t, "upstream connections")
	if len(webUp) != 1 || len(resUp) != 1 {
		t.Fatalf("no upstream connection counts in the logs")
	}
	webOpened := webUp[0]["authserver_opened"].(float64) + webUp[0]["resourceserver_opened"].(float64)
	resOpened := resUp[0]["opened"].(float64)
	accepted := func(p *proc) any { return p.lines(t, "stopped")[0]["connections_accepted"] }
	t.Logf("connections: webapp opened %v (authserver %v, resourceserver %v), resourceserver opened %v; accepted: authserver %v, resourceserver %v, webapp %v",
		webOpened, webUp[0]["authserver_opened"], webUp[0]["resourceserver_opened"], resOpened, accepted(sys.auth), accepted(sys.res), accepted(sys.web))
	// Each call holds one connection to each upstream at a time: with
	// reuse the webapp opens about n to each.
	for _, upstream := range []string{"authserver_opened", "resourceserver_opened"} {
		if opened := webUp[0][upstream].(float64); opened > float64(2*n) {
			t.Errorf("webapp %s %v connections for %d callers: not reused", upstream, opened, n)
		}
	}
	if resOpened > float64(2*n) {
		t.Errorf("resourceserver opened %v connections for %d callers: not reused", resOpened, n)
	}
}

// TestSoakFaults: the same load, with the authserver, then the
// resourceserver, killed in the middle and started again on its port.
// Calls may fail only while it is down, only with 502 or 503 and never by
// hanging, and all succeed again within 1 s of its return.
func TestSoakFaults(t *testing.T) {
	d, n := soakSettings(t)
	for _, victim := range []string{"authserver", "resourceserver"} {
		t.Run(victim, func(t *testing.T) {
			sys := startSoakSystem(t)
			p := map[string]*proc{"authserver": sys.auth, "resourceserver": sys.res}[victim]
			env := map[string]map[string]string{
				"authserver":     {"AUTH_ADDR": sys.auth.addr, "AUTH_SIGNING_KEY": signingKey},
				"resourceserver": {"RESOURCE_ADDR": sys.res.addr, "RESOURCE_AUTH_URL": sys.auth.url()},
			}[victim]
			client := loadClient(t, n)
			ctx, cancel := context.WithTimeout(context.Background(), d)
			defer cancel()
			loaded := make(chan []callRecord)
			go func() { loaded <- runLoad(ctx, client, sys.web.url(), n) }()
			time.Sleep(d / 3)
			killed := time.Now()
			p.kill(t)
			time.Sleep(2 * time.Second)
			startProc(t, victim, env)
			back := time.Now()
			if ctx.Err() != nil {
				t.Fatal("the run ended before the restart: make SOAK longer")
			}
			report(t, victim, <-loaded, killed, back)
		})
	}
}

// report checks and logs one fault run.
func report(t *testing.T, victim string, calls []callRecord, killed, back time.Time) {
	recovered := back.Add(time.Second)
	failed, outside, wrongStatus := 0, 0, map[int]int{}
	var lastFailure time.Time
	for _, c := range calls {
		if c.ok {
			continue
		}
		failed++
		if c.status != 502 && c.status != 503 {
			wrongStatus[c.status]++
		}
		if c.end.Before(killed) || c.start.After(recovered) {
			outside++
		}
		if c.end.After(lastFailure) {
			lastFailure = c.end
		}
	}
	ds := latencies(calls)
	summary := fmt.Sprintf("%s killed and back after %v: %d calls, %d failed, last failure %v after its return, max latency %v",
		victim, back.Sub(killed).Round(time.Millisecond), len(calls), failed, lastFailure.Sub(back).Round(time.Millisecond), ds[len(ds)-1].Round(time.Millisecond))
	t.Log(summary)
	if outside > 0 {
		t.Errorf("%d calls failed outside the outage (from the kill to 1 s after the return)", outside)
	}
	if len(wrongStatus) > 0 {
		t.Errorf("failures other than 502/503 (0 is no answer): %v", wrongStatus)
	}
	if max := ds[len(ds)-1]; max > 5*time.Second {
		t.Errorf("a call took %v: something hung", max)
	}
}
