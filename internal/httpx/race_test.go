//go:build race

package httpx

// slowdown scales the time bounds of tests that measure how fast the
// server answers: the race detector makes every goroutine and lock several
// times slower.
const slowdown = 10
