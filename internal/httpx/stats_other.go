//go:build !unix

package httpx

import "os"

// notifyStats does nothing where there is no SIGUSR1.
func notifyStats(chan<- os.Signal) {}
