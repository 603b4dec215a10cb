// Command authserver is the OAuth 2.0 authorization server. Run it with
// -h for its settings.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"oauthtime/internal/authserver"
	"oauthtime/internal/service"
)

func main() {
	service.TuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := authserver.Run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		os.Exit(1) // Run has logged why.
	}
}
