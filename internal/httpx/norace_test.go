//go:build !race

package httpx

// slowdown scales the time bounds of tests that measure how fast the
// server answers (see race_test.go).
const slowdown = 1
