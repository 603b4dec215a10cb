//go:build !linux

package metrics

// Without /proc, the process families are left out.

func residentBytes() (int64, bool) { return 0, false }

func openFDs() (int, bool) { return 0, false }
