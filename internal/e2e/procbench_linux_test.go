package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"oauthtime/internal/wire"
)

// The processes benchmark measures what a deployment does: the three real
// binaries with their default settings (the brute-force limit, metrics and
// access logs on), each its own process writing its logs into a pipe that
// is read and thrown away, against the bare system (bare_test.go) in three
// processes of the same topology, this test binary run again as each. It
// drives each set with keep-alive callers for a fixed time, the sets taking
// turns round after round, and prints requests per second, CPU per call
// (user and system time of the three processes, from /proc) and the
// medians of the ratios. It is off by default:
//
//	PROCBENCH=5s go test -count=1 -run ProcessBench -v -timeout 30m ./internal/e2e
//
// PROCBENCH_ROUNDS (default 5) sets the rounds, PROCBENCH_CALLERS
// (default 16,64) the numbers of callers. PROCBENCH_BASELINE=DIR runs an
// A/B instead: the second set is the three binaries in DIR (built from
// another revision, say), run as the first, not the bare system. -count=1 measures again: with
// the same environment, go test would print a cached run's figures. Against
// the bare system it fails a load whose medians miss the goals: at least
// 0.9 of the bare throughput and at most 1.15 times its CPU per call for
// the flow, and under 25 MB of peak RSS for every service.

// benchProc is one process of a set.
type benchProc struct {
	name string
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

// startBenchProc starts bin with env, its stdout and stderr into a pipe
// that is read and discarded, and waits for its "listening" line.
func startBenchProc(t *testing.T, name, bin string, env []string) *benchProc {
	t.Helper()
	p := &benchProc{name: name, cmd: exec.Command(bin), done: make(chan struct{})}
	p.cmd.Env = env
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout, p.cmd.Stderr = w, w
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	addr := make(chan string, 1)
	go func() {
		defer close(p.done)
		br := bufio.NewReaderSize(r, 64<<10)
		for {
			line, err := br.ReadSlice('\n')
			if err != nil && err != bufio.ErrBufferFull {
				return
			}
			if len(addr) == 0 && strings.Contains(string(line[:min(len(line), 120)]), `"msg":"listening"`) {
				var m struct{ Addr string }
				if json.Unmarshal(line, &m) == nil {
					addr <- m.Addr
				}
			}
		}
	}()
	t.Cleanup(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
		<-p.done
	})
	select {
	case a := <-addr:
		p.url = "http://" + a
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not start", name)
	}
	return p
}

// cpu is the process's user and system time so far, from /proc.
func (p *benchProc) cpu(t *testing.T) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticks
}

// peakRSS is the process's peak resident set, from /proc.
func (p *benchProc) peakRSS(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// benchSet is three processes and what to call on them.
type benchSet struct {
	name  string
	procs []*benchProc
	web   string // the webapp's base URL
	auth  string // the authserver's base URL
}

func (s *benchSet) cpu(t *testing.T) time.Duration {
	var d time.Duration
	for _, p := range s.procs {
		d += p.cpu(t)
	}
	return d
}

// load is what one round sends: a method, a URL, headers and a body.
type load struct {
	method, url, body string
	header            map[string]string
}

// drivePlain has n keep-alive callers send l for d, and returns how many
// calls got a 200.
func drivePlain(t *testing.T, client *http.Client, l load, n int, d time.Duration) int64 {
	t.Helper()
	var ok, failed atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequest(l.method, l.url, strings.NewReader(l.body))
				for k, v := range l.header {
					req.Header.Set(k, v)
				}
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					ok.Add(1)
				} else {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		t.Errorf("%s %s: %d calls failed", l.method, l.url, f)
	}
	return ok.Load()
}

// round is one set's result for one round.
type round struct {
	rps     float64
	cpuCall time.Duration
}

func measure(t *testing.T, set *benchSet, client *http.Client, l load, n int, d time.Duration) round {
	cpu0 := set.cpu(t)
	start := time.Now()
	calls := drivePlain(t, client, l, n, d)
	elapsed := time.Since(start)
	cpu := set.cpu(t) - cpu0
	if calls == 0 {
		t.Fatalf("%s: no call succeeded", set.name)
	}
	return round{rps: float64(calls) / elapsed.Seconds(), cpuCall: cpu / time.Duration(calls)}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func TestProcessBench(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("PROCBENCH"))
	if err != nil || d <= 0 {
		t.Skip("set PROCBENCH=5s to run the processes benchmark")
	}
	rounds := 5
	if r, err := strconv.Atoi(os.Getenv("PROCBENCH_ROUNDS")); err == nil && r > 0 {
		rounds = r
	}
	callers := []int{16, 64}
	if c := os.Getenv("PROCBENCH_CALLERS"); c != "" {
		callers = nil
		for _, f := range strings.Split(c, ",") {
			n, err := strconv.Atoi(f)
			if err != nil || n < 1 {
				t.Fatalf("PROCBENCH_CALLERS=%q", c)
			}
			callers = append(callers, n)
		}
	}

	bin := binaries(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tokenJSON, activeJSON := bareAnswers(t)
	realAuth := startBenchProc(t, "authserver", bin+"/authserver", []string{"AUTH_ADDR=127.0.0.1:0", "AUTH_SIGNING_KEY=" + signingKey, "AUTH_TOKEN_TTL=1h"})
	realRes := startBenchProc(t, "resourceserver", bin+"/resourceserver", []string{"RESOURCE_ADDR=127.0.0.1:0", "RESOURCE_AUTH_URL=" + realAuth.url})
	realWeb := startBenchProc(t, "webapp", bin+"/webapp", []string{"WEBAPP_ADDR=127.0.0.1:0", "WEBAPP_AUTH_URL=" + realAuth.url, "WEBAPP_RESOURCE_URL=" + realRes.url})
	var bareA, bareR, bareW *benchProc
	if base := os.Getenv("PROCBENCH_BASELINE"); base != "" {
		bareA = startBenchProc(t, "baseline authserver", base+"/authserver", []string{"AUTH_ADDR=127.0.0.1:0", "AUTH_SIGNING_KEY=" + signingKey, "AUTH_TOKEN_TTL=1h"})
		bareR = startBenchProc(t, "baseline resourceserver", base+"/resourceserver", []string{"RESOURCE_ADDR=127.0.0.1:0", "RESOURCE_AUTH_URL=" + bareA.url})
		bareW = startBenchProc(t, "baseline webapp", base+"/webapp", []string{"WEBAPP_ADDR=127.0.0.1:0", "WEBAPP_AUTH_URL=" + bareA.url, "WEBAPP_RESOURCE_URL=" + bareR.url})
		t.Logf("A/B: real is this revision, bare is the baseline in %s", base)
	} else {
		bareA = startBenchProc(t, "bare auth", self, []string{bareRoleEnv + "=auth", "BARE_TOKEN_JSON=" + tokenJSON, "BARE_ACTIVE_JSON=" + activeJSON})
		bareR = startBenchProc(t, "bare res", self, []string{bareRoleEnv + "=res", "BARE_AUTH_URL=" + bareA.url})
		bareW = startBenchProc(t, "bare web", self, []string{bareRoleEnv + "=web", "BARE_AUTH_URL=" + bareA.url, "BARE_RES_URL=" + bareR.url})
	}
	sets := []*benchSet{
		{name: "real", procs: []*benchProc{realAuth, realRes, realWeb}, web: realWeb.url, auth: realAuth.url},
		{name: "bare", procs: []*benchProc{bareA, bareR, bareW}, web: bareW.url, auth: bareA.url},
	}

	// A token of the real authserver, an hour long, for /introspect; the
	// bare one answers any token the same.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxIdleConns: 256}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	realToken := token(t, client, realAuth.url, "current_time")
	loads := []struct {
		name string
		make func(s *benchSet) load
	}{
		{"flow GET /current_time", func(s *benchSet) load { return load{method: "GET", url: s.web + "/current_time"} }},
		{"POST /token", func(s *benchSet) load {
			return load{method: "POST", url: s.auth + "/token", body: "grant_type=password&username=bob&password=bob-pass&scope=current_time",
				header: map[string]string{"Content-Type": formType, "Authorization": wire.BasicAuthorization("1234", "qwerty")}}
		}},
		{"POST /introspect", func(s *benchSet) load {
			return load{method: "POST", url: s.auth + "/introspect", body: "token=" + realToken,
				header: map[string]string{"Content-Type": formType, "Authorization": wire.BasicAuthorization("resourceserver", "resourceserver-secret")}}
		}},
	}

	t.Logf("%d rounds of %v per set, sets taking turns; ratios are real / bare", rounds, d)
	for _, ld := range loads {
		for _, n := range callers {
			if ld.name != loads[0].name && n != callers[0] {
				continue // one endpoint alone at the first concurrency only
			}
			measure(t, sets[0], client, ld.make(sets[0]), n, d/5) // warm up both
			measure(t, sets[1], client, ld.make(sets[1]), n, d/5)
			var rpsRatio, cpuRatio []float64
			for r := 0; r < rounds; r++ {
				order := []int{r % 2, 1 - r%2}
				var res [2]round
				for _, i := range order {
					res[i] = measure(t, sets[i], client, ld.make(sets[i]), n, d)
				}
				rpsRatio = append(rpsRatio, res[0].rps/res[1].rps)
				cpuRatio = append(cpuRatio, float64(res[0].cpuCall)/float64(res[1].cpuCall))
				t.Logf("%-22s %3d callers, round %d: real %7.0f/s %6.1f µs CPU/call; bare %7.0f/s %6.1f µs CPU/call; ratio %.3f, CPU %.3f",
					ld.name, n, r+1, res[0].rps, float64(res[0].cpuCall)/1e3, res[1].rps, float64(res[1].cpuCall)/1e3, rpsRatio[r], cpuRatio[r])
			}
			t.Logf("%-22s %3d callers: MEDIAN throughput ratio %.3f (%.3f to %.3f), CPU per call ratio %.3f (%.3f to %.3f)",
				ld.name, n, median(rpsRatio), slices.Min(rpsRatio), slices.Max(rpsRatio), median(cpuRatio), slices.Min(cpuRatio), slices.Max(cpuRatio))
			if ab := os.Getenv("PROCBENCH_BASELINE") != ""; !ab && ld.name == loads[0].name && (median(rpsRatio) < 0.9 || median(cpuRatio) > 1.15) {
				t.Errorf("%s, %d callers: %.3f of the bare throughput at %.3f times its CPU per call; the goals are at least 0.9 and at most 1.15",
					ld.name, n, median(rpsRatio), median(cpuRatio))
			}
		}
	}
	for _, p := range sets[0].procs {
		rss := p.peakRSS(t)
		t.Logf("peak RSS %s: %.1f MB", p.name, float64(rss)/1e6)
		if rss > 25e6 {
			t.Errorf("%s: peak RSS %.1f MB, over 25 MB", p.name, float64(rss)/1e6)
		}
	}
}
