// Command webapp prints the resource server's time, getting a fresh access
// token for every call. Run it with -h for its settings.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"oauthtime/internal/service"
	"oauthtime/internal/webapp"
)

func main() {
	service.TuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := webapp.Run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		os.Exit(1) // Run has logged why.
	}
}
