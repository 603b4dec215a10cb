//go:build unix

package httpx

import (
	"os"
	"os/signal"
	"syscall"
)

// notifyStats delivers SIGUSR1 on c: `kill -USR1 <pid>` makes a running
// service log a stats line.
func notifyStats(c chan<- os.Signal) { signal.Notify(c, syscall.SIGUSR1) }
