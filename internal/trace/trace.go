// Package trace carries what follows one call across the services through
// its request: its X-Request-ID and its W3C Trace Context (Level 1). The
// middleware reads the caller's traceparent and tracestate, or starts a new
// trace; the logger stamps the request ID, the trace and this service's
// span on every line; HTTP clients send each upstream call the request ID
// and a new child span. Nothing is recorded or exported: the IDs are there
// so that one call can be followed across the three services' logs, and by
// any tracer in front of them.
package trace

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"strings"
)

// The headers, in Go's canonical form so that reading and setting them
// costs no allocation.
const (
	Header      = "Traceparent"
	StateHeader = "Tracestate"
)

// MaxState is the longest tracestate forwarded; a longer one is dropped.
const MaxState = 512

// Span is this service's part of a trace, and the request it serves.
type Span struct {
	// RequestID is the request's X-Request-ID.
	RequestID string
	// TraceID is 32 lowercase hex digits, not all zero.
	TraceID string
	// SpanID is this service's span: 16 lowercase hex digits, not all zero.
	SpanID string
	// Flags are the caller's trace flags, 2 hex digits ("00" for a trace
	// started here: nothing here samples).
	Flags string
	// State is the caller's tracestate, forwarded unchanged, or "".
	State string
}

// Start returns the span of request requestID whose traceparent and
// tracestate headers had the given values: a child of the caller's span if
// it sent exactly one valid traceparent, else the root of a new trace.
func Start(requestID string, parents, states []string) *Span {
	if len(parents) == 1 {
		if traceID, _, flags, ok := Parse(parents[0]); ok {
			s := &Span{RequestID: requestID, TraceID: traceID, SpanID: newID(8), Flags: flags}
			if len(states) > 0 {
				if state := strings.Join(states, ","); len(state) <= MaxState && ValidState(state) {
					s.State = state
				}
			}
			return s
		}
	}
	return &Span{RequestID: requestID, TraceID: newID(16), SpanID: newID(8), Flags: "00"}
}

// Child returns the traceparent of a call this span makes: the same trace,
// a new span ID for the callee's parent.
func (s *Span) Child() string {
	return "00-" + s.TraceID + "-" + newID(8) + "-" + s.Flags
}

// Parse reads a traceparent value. Version 00 is exactly
// version-traceid-parentid-flags, 55 characters; a later version (01 to
// fe) may add fields after a dash, which are ignored. Version ff, upper
// case hex, all-zero IDs and anything else malformed are not ok.
func Parse(v string) (traceID, parentID, flags string, ok bool) {
	if len(v) < 55 || !lowerHex(v[0:2]) || v[0:2] == "ff" ||
		v[2] != '-' || v[35] != '-' || v[52] != '-' {
		return "", "", "", false
	}
	switch {
	case v[0:2] == "00" && len(v) != 55:
		return "", "", "", false
	case len(v) > 55 && v[55] != '-':
		return "", "", "", false
	}
	traceID, parentID, flags = v[3:35], v[36:52], v[53:55]
	if !lowerHex(traceID) || !lowerHex(parentID) || !lowerHex(flags) || isZero(traceID) || isZero(parentID) {
		return "", "", "", false
	}
	return traceID, parentID, flags, true
}

// ValidState reports whether v is a tracestate as W3C Trace Context
// (Level 1) writes it: at most 32 list members key=value, separated by
// commas with optional spaces or tabs around them; empty members are
// allowed, and a key appears once.
func ValidState(v string) bool {
	seen := make(map[string]bool)
	for _, m := range strings.Split(v, ",") {
		m = strings.Trim(m, " \t")
		if m == "" {
			continue
		}
		k, val, ok := strings.Cut(m, "=")
		if !ok || !validKey(k) || !validValue(val) || seen[k] || len(seen) == 32 {
			return false
		}
		seen[k] = true
	}
	return true
}

// validKey: a simple key, lcalpha then up to 255 of lcalpha, digits and
// _-*/; or tenant@system, a tenant of up to 241 starting with lcalpha or a
// digit, a system of up to 14 starting with lcalpha.
func validKey(k string) bool {
	tenant, system, multi := strings.Cut(k, "@")
	if !multi {
		return keyPart(k, 256, false)
	}
	return keyPart(tenant, 241, true) && keyPart(system, 14, false)
}

func keyPart(s string, max int, digitFirst bool) bool {
	if len(s) == 0 || len(s) > max || !(s[0] >= 'a' && s[0] <= 'z' || digitFirst && s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("_-*/", c) >= 0) {
			return false
		}
	}
	return true
}

// validValue: up to 256 printable ASCII characters but ',' and '=', the
// last not a space.
func validValue(v string) bool {
	if len(v) == 0 || len(v) > 256 || v[len(v)-1] == ' ' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == ',' || c == '=' {
			return false
		}
	}
	return true
}

// lowerHex reports whether s is written in what trace IDs, span IDs and
// flags are: lowercase hex digits.
func lowerHex(s string) bool { return strings.Trim(s, "0123456789abcdef") == "" }

func isZero(s string) bool { return strings.Trim(s, "0") == "" }

// newID returns n random bytes (8 or 16) as lowercase hex, never all zero.
// IDs need to be unique, not secret: math/rand/v2's generator, seeded by
// the runtime and never locked, is enough.
func newID(n int) string {
	var raw [16]byte
	var id [32]byte
	for {
		for i := 0; i < n; i += 8 {
			binary.LittleEndian.PutUint64(raw[i:], rand.Uint64())
		}
		if hex.Encode(id[:], raw[:n]); !isZero(string(id[:2*n])) {
			return string(id[:2*n])
		}
	}
}

type key struct{}

// NewContext returns ctx carrying s, which must not change after.
func NewContext(ctx context.Context, s *Span) context.Context {
	return context.WithValue(ctx, key{}, s)
}

// FromContext returns the span in ctx, or nil.
func FromContext(ctx context.Context) *Span {
	s, _ := ctx.Value(key{}).(*Span)
	return s
}
