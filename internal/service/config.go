package service

// A service reads its settings from its environment. Each service declares
// its settings once, as a list of Var; that list is both what -h prints and
// where defaults come from, so the two cannot disagree.
//
// A setting that is present but invalid is an *Error naming it: services
// refuse to start rather than start weakened. Besides the readers, this
// package holds the settings files (-env-file), the command line, and the
// settings every service has (ServerVars, LoadServer).

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"text/tabwriter"
	"time"

	"oauthtime/internal/logging"
)

// Var declares one setting.
type Var struct {
	Name    string
	Default string
	Usage   string
	// File marks a setting that names a file: in a settings file, a
	// relative path is taken from that file's folder.
	File bool
}

// Error is an invalid setting. Its message holds the value only for
// settings that are never secret (durations, numbers, URLs).
type Error struct {
	Setting string
	Err     error
	// Cannot is set when the setting is well formed but cannot be used
	// (an address already in use): it is reported as such.
	Cannot bool
}

func (e *Error) Error() string { return e.Setting + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Env reads declared settings through getenv. The first invalid one is kept
// and reported by Err; reads after it still return defaults.
type Env struct {
	getenv func(string) string
	vars   map[string]Var
	err    error
}

// NewEnv returns an Env over getenv for vars.
func NewEnv(getenv func(string) string, vars []Var) *Env {
	m := make(map[string]Var, len(vars))
	for _, v := range vars {
		m[v.Name] = v
	}
	return &Env{getenv: getenv, vars: m}
}

// Err returns the first invalid setting, or nil.
func (e *Env) Err() error { return e.err }

// Fail records that setting name is invalid because of err.
func (e *Env) Fail(name string, err error) {
	if e.err == nil {
		e.err = &Error{Setting: name, Err: err}
	}
}

// String returns the setting's value, or its default when unset or empty.
func (e *Env) String(name string) string {
	v, ok := e.vars[name]
	if !ok {
		e.Fail(name, errors.New("not a declared setting"))
		return ""
	}
	if s := e.getenv(name); s != "" {
		return s
	}
	return v.Default
}

// Duration reads a Go duration within [min, max].
func (e *Env) Duration(name string, min, max time.Duration) time.Duration {
	s := e.String(name)
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		e.Fail(name, fmt.Errorf("%q is not a duration such as 5s", s))
	case d < min || d > max:
		e.Fail(name, fmt.Errorf("%v is outside %v to %v", d, min, max))
	}
	return d
}

// Int reads an integer within [min, max].
func (e *Env) Int(name string, min, max int) int {
	s := e.String(name)
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		e.Fail(name, fmt.Errorf("%q is not an integer", s))
	case n < min || n > max:
		e.Fail(name, fmt.Errorf("%d is outside %d to %d", n, min, max))
	}
	return n
}

// URL reads an absolute http or https URL with a host and no query or
// fragment, and returns it without a trailing slash.
func (e *Env) URL(name string) string {
	s := e.String(name)
	u, err := url.Parse(s)
	shown := strconv.Quote(s)
	if err != nil || u.User != nil {
		shown = "the value" // it may hold credentials
	}
	switch {
	case err != nil:
		e.Fail(name, fmt.Errorf("%s is not a URL", shown))
	case u.Scheme != "http" && u.Scheme != "https":
		e.Fail(name, fmt.Errorf("%s is not an http or https URL", shown))
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "":
		e.Fail(name, fmt.Errorf("%s: want scheme://host[:port][/path] and nothing more", shown))
	}
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// Level reads a log level.
func (e *Env) Level(name string) slog.Level {
	l, err := logging.ParseLevel(e.String(name))
	if err != nil {
		e.Fail(name, err)
	}
	return l
}

// ErrHelp is returned by ParseArgs when the user asked for help.
var ErrHelp = flag.ErrHelp

// Flags are the command-line flags every service takes.
type Flags struct {
	// HealthCheck asks the binary to call its own /healthz and exit;
	// ReadyCheck, its own /readyz.
	HealthCheck, ReadyCheck bool
	// EnvFile names an optional settings file (see ReadEnvFile).
	EnvFile string
}

// ParseArgs reads the command line (args[0] is the program name). -h and
// --help print the usage, with every setting and its default, to w and
// return ErrHelp.
func ParseArgs(args []string, w io.Writer, service, about string, vars []Var) (Flags, error) {
	var f Flags
	fs := flag.NewFlagSet(service, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.BoolVar(&f.HealthCheck, "healthcheck", false, "call this service's own /healthz and exit 0 if it answers 200")
	fs.BoolVar(&f.ReadyCheck, "readycheck", false, "call this service's own /readyz and exit 0 if it answers 200")
	fs.StringVar(&f.EnvFile, "env-file", "", "optional `file` of NAME=value settings; the environment wins over it, and a missing file is skipped")
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: %s [-env-file file] [-healthcheck | -readycheck]\n\n%s\n\nFlags:\n", service, about)
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nSettings (environment variables):\n")
		PrintVars(w, vars)
	}
	if len(args) == 0 {
		return f, nil
	}
	if err := fs.Parse(args[1:]); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return f, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return f, nil
}

// PrintVars writes a table of vars with their defaults.
func PrintVars(w io.Writer, vars []Var) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tDEFAULT\tMEANING")
	for _, v := range vars {
		def := v.Default
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.Name, def, v.Usage)
	}
	tw.Flush()
}

// Report logs why a service could not start, as the one line README.md
// promises (naming the setting at fault), and returns err. nil stays nil.
func Report(log *slog.Logger, err error) error {
	if err == nil {
		return nil
	}
	var ce *Error
	if errors.As(err, &ce) {
		msg := "invalid setting"
		if ce.Cannot {
			msg = "cannot start"
		}
		log.Error(msg, slog.String("setting", ce.Setting), slog.String("error", ce.Err.Error()))
	} else {
		log.Error("cannot run", slog.String("error", err.Error()))
	}
	return err
}
