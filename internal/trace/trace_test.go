package trace

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

const (
	validTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	validParent = "00f067aa0ba902b7"
	valid       = "00-" + validTrace + "-" + validParent + "-01"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    string
		ok   bool
	}{
		{"valid", valid, true},
		{"valid, not sampled", "00-" + validTrace + "-" + validParent + "-00", true},
		{"future version", "01-" + validTrace + "-" + validParent + "-01", true},
		{"future version with a field more", "cc-" + validTrace + "-" + validParent + "-01-what-the-future-holds", true},

		{"empty", "", false},
		{"too short", valid[:54], false},
		{"trace-id too short", "00-" + validTrace[1:] + "-" + validParent + "-01", false},
		{"parent-id too long", "00-" + validTrace + "-" + validParent + "0-01", false},
		{"flags too short", "00-" + validTrace + "-" + validParent + "-1", false},
		{"upper case trace-id", "00-" + strings.ToUpper(validTrace) + "-" + validParent + "-01", false},
		{"upper case parent-id", "00-" + validTrace + "-" + strings.ToUpper(validParent) + "-01", false},
		{"upper case flags", "00-" + validTrace + "-" + validParent + "-0A", false},
		{"upper case version", "0A-" + validTrace + "-" + validParent + "-01", false},
		{"all-zero trace-id", "00-" + strings.Repeat("0", 32) + "-" + validParent + "-01", false},
		{"all-zero parent-id", "00-" + validTrace + "-" + strings.Repeat("0", 16) + "-01", false},
		{"version ff", "ff-" + validTrace + "-" + validParent + "-01", false},
		{"extra field in version 00", valid + "-extra", false},
		{"trailing space in version 00", valid + " ", false},
		{"future version glued to more", "01-" + validTrace + "-" + validParent + "-01x", false},
		{"not hex", "00-" + strings.Repeat("g", 32) + "-" + validParent + "-01", false},
		{"wrong separators", "00_" + validTrace + "_" + validParent + "_01", false},
		{"leading space", " " + valid[:54], false},
	}
	for _, tt := range tests {
		traceID, parentID, flags, ok := Parse(tt.v)
		if ok != tt.ok {
			t.Errorf("%s: Parse(%q) ok = %v, want %v", tt.name, tt.v, ok, tt.ok)
		}
		if ok && (traceID != validTrace || parentID != validParent || len(flags) != 2) {
			t.Errorf("%s: Parse(%q) = %q %q %q", tt.name, tt.v, traceID, parentID, flags)
		}
	}
}

// TestStart: a valid traceparent is continued with a new span; any other,
// or two of them, start a new trace; tracestate goes along only with a
// continued trace, and only up to 512 characters.
func TestStart(t *testing.T) {
	t.Parallel()
	s := Start("r1", []string{valid}, []string{"rojo=00f067aa0ba902b7", "congo=t61rcWkgMzE"})
	if s.TraceID != validTrace || s.Flags != "01" || s.SpanID == validParent || !isID(s.SpanID, 16) || s.RequestID != "r1" {
		t.Errorf("continued span = %+v", s)
	}
	if s.State != "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE" {
		t.Errorf("tracestate = %q", s.State)
	}
	if s := Start("r1", []string{valid}, []string{strings.Repeat("a", 513)}); s.State != "" {
		t.Errorf("a 513-character tracestate was kept")
	}
	for _, parents := range [][]string{nil, {"00-" + strings.ToUpper(validTrace) + "-" + validParent + "-01"}, {valid, valid}, {"ff-" + validTrace + "-" + validParent + "-01"}} {
		s := Start("r2", parents, []string{"rojo=1"})
		if s.TraceID == validTrace || !isID(s.TraceID, 32) || !isID(s.SpanID, 16) || s.Flags != "00" || s.State != "" || s.RequestID != "r2" {
			t.Errorf("Start(%q) = %+v, want a new trace", parents, s)
		}
	}
}

func TestChild(t *testing.T) {
	t.Parallel()
	s := Start("r3", []string{valid}, nil)
	a, b := s.Child(), s.Child()
	for _, c := range []string{a, b} {
		traceID, parentID, flags, ok := Parse(c)
		if !ok || traceID != validTrace || flags != "01" || parentID == s.SpanID || parentID == validParent {
			t.Errorf("Child() = %q", c)
		}
	}
	if a == b {
		t.Errorf("two calls got one span ID: %q", a)
	}
	ctx := NewContext(context.Background(), s)
	if got := FromContext(ctx); got != s {
		t.Errorf("FromContext = %+v", got)
	}
	if got := FromContext(context.Background()); got != nil {
		t.Errorf("FromContext of an empty context = %+v", got)
	}
}

func isID(s string, n int) bool { return len(s) == n && lowerHex(s) && !isZero(s) }

// FuzzParse: no input panics; what Parse accepts has the shape it promises,
// and a version 00 value is exactly what it was made of.
func FuzzParse(f *testing.F) {
	f.Add(valid)
	f.Add("cc-" + validTrace + "-" + validParent + "-01-x")
	f.Add("ff-" + validTrace + "-" + validParent + "-01")
	f.Add(valid + "-")
	f.Fuzz(func(t *testing.T, v string) {
		traceID, parentID, flags, ok := Parse(v)
		if !ok {
			return
		}
		if !isID(traceID, 32) || !isID(parentID, 16) || len(flags) != 2 || !lowerHex(flags) {
			t.Fatalf("Parse(%q) = %q %q %q", v, traceID, parentID, flags)
		}
		if v[:2] == "00" && v != "00-"+traceID+"-"+parentID+"-"+flags {
			t.Fatalf("Parse(%q) accepted more than version 00 holds", v)
		}
	})
}

// BenchmarkStartChild is what a request costs the trace context: read the
// caller's traceparent, and make one upstream call's.
func BenchmarkStartChild(b *testing.B) {
	parents := []string{valid}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		s := Start("r", parents, nil)
		_ = s.Child()
	}
}

// TestLowerHex: lowerHex takes each lowercase hex digit and no other byte.
func TestLowerHex(t *testing.T) {
	t.Parallel()
	for c := 0; c < 256; c++ {
		if got, want := lowerHex(string([]byte{byte(c)})), strings.IndexByte("0123456789abcdef", byte(c)) >= 0; got != want {
			t.Errorf("lowerHex(%q) = %v, want %v", c, got, want)
		}
	}
}

// TestValidState: tracestate is forwarded only when it follows W3C Trace
// Context's list-member grammar; anything else is dropped.
func TestValidState(t *testing.T) {
	t.Parallel()
	members := func(n int) string {
		m := make([]string, n)
		for i := range m {
			m[i] = fmt.Sprintf("k%d=v", i)
		}
		return strings.Join(m, ",")
	}
	for _, tc := range []struct {
		state string
		ok    bool
	}{
		{"rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", true},
		{"", true},
		{"a=1, \tb=2", true},
		{"a=1,,b=2", true},
		{"fw529a3039@dt=0a5,1tenant@vendor=x", true},
		{"a=b c", true},
		{members(32), true},
		{members(33), false},
		{"a=\x80\xff", false},
		{"a=x\ty", false},
		{"A=1", false},
		{"1a=1", false},
		{"a", false},
		{"a=", false},
		{"a=b=c", false},
		{"a=1,a=2", false},
		{"t@Vendor=1", false},
		{"t@vendorvendorvendor=1", false},
		{strings.Repeat("a", 257) + "=1", false},
		{"a=" + strings.Repeat("v", 257), false},
	} {
		if got := ValidState(tc.state); got != tc.ok {
			t.Errorf("ValidState(%q) = %v, want %v", tc.state, got, tc.ok)
		}
	}
	valid := "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	if s := Start("r", []string{valid}, []string{"a=\x80\xff"}); s.State != "" {
		t.Errorf("invalid tracestate forwarded: %q", s.State)
	}
}
