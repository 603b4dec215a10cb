package e2e

import (
	"fmt"
	"testing"
)

// TestRotation walks README.md's procedure for rotating the signing key of
// a fleet, from key A to key B, with two authserver replicas caught
// mid-rollout at each step: one already configured as the step says, one
// as the step before. A token from either replica is active at both. It
// also shows the first step is needed: a replica signing with B while
// another knows only A splits the fleet.
func TestRotation(t *testing.T) {
	t.Parallel()
	const (
		keyA = "rotation-key-A-0123456789abcdefgh"
		keyB = "rotation-key-B-0123456789abcdefgh"
	)
	steps := []map[string]string{
		{"AUTH_SIGNING_KEY": keyA},                                 // before
		{"AUTH_SIGNING_KEY": keyA, "AUTH_VERIFICATION_KEYS": keyB}, // 1: B verifies everywhere
		{"AUTH_SIGNING_KEY": keyB, "AUTH_VERIFICATION_KEYS": keyA}, // 2: B signs, A still verifies
		{"AUTH_SIGNING_KEY": keyB},                                 // 3: after one token lifetime, A is gone
	}
	client := newClient(t)
	replicas := make([]string, len(steps))
	for i, env := range steps {
		replicas[i] = startAuth(t, env).URL
	}
	for step := 1; step < len(steps); step++ {
		pair := []string{replicas[step-1], replicas[step]}
		for from := range pair {
			tok := token(t, client, pair[from], "current_time")
			for at := range pair {
				if got := introspect(t, client, pair[at], tok); got["active"] != true {
					t.Errorf("step %d: a token of the replica at step %d is %v at the replica at step %d", step, step-1+from, got, step-1+at)
				}
			}
		}
	}

	// Skipping step 1: a replica signing with B beside one that knows only A.
	tok := token(t, client, replicas[2], "current_time")
	if got := introspect(t, client, replicas[0], tok); fmt.Sprint(got) != "map[active:false]" {
		t.Errorf("a token of the new key at a replica that has not got it: %v, want {\"active\":false}", got)
	}
}
