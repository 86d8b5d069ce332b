package main

import (
	"time"

	"github.com/urfave/cli/v2"
)

// Environment variables read for the connection, below the flags of the
// same meaning.
const (
	envURL             = "HARBOR_URL"
	envCredentials     = "HARBOR_CREDENTIALS"
	envUsername        = "HARBOR_USERNAME"
	envPassword        = "HARBOR_PASSWORD"
	envCredentialsFile = "HARBOR_CREDENTIALS_FILE"
)

// connectionFlags are shared by every command that builds harbor.default.
// Environment variables are resolved by hand rather than through EnvVars so
// that a flag can be told apart from the environment (flag > env).
func connectionFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "url", Usage: "Harbor URL, with or without /api/v2.0 (env " + envURL + ")"},
		&cli.StringFlag{Name: "credentials", Usage: "base64 of \"user:secret\" (env " + envCredentials + ")"},
		&cli.StringFlag{Name: "username", Usage: "user or robot name (env " + envUsername + ")"},
		&cli.StringFlag{Name: "password", Usage: "password or robot secret (env " + envPassword + ")"},
		&cli.StringFlag{Name: "credentials-file", Usage: "robot account JSON file {\"name\",\"secret\"} (env " + envCredentialsFile + ")"},
		&cli.BoolFlag{Name: "insecure", Usage: "skip TLS certificate verification (unsafe)"},
		&cli.StringFlag{Name: "ca-file", Usage: "PEM bundle of extra CAs to trust"},
		&cli.DurationFlag{Name: "request-timeout", Usage: "time limit of each HTTP attempt (default 30s)"},
		&cli.IntFlag{Name: "max-connections", Value: 5, Usage: "default number of concurrent requests of bulk api calls"},
		&cli.StringFlag{Name: "auth", Usage: "how to authenticate: basic, session or auto (default: auto, a web session for users when Harbor offers one; robots always use basic)"},
		&cli.StringFlag{Name: "log-level", Value: "info", Usage: "debug, info, warn or error"},
		&cli.StringFlag{Name: "log-format", Value: "text", Usage: "text or json"},
		&cli.BoolFlag{Name: "dry-run", Usage: "print mutating requests instead of sending them"},
		&cli.BoolFlag{Name: "demo", Usage: "run against a built-in simulated Harbor with demo data"},
	}
}

// runtimeFlags limit what a script may do; shared by run, repl and schedule.
func runtimeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.DurationFlag{Name: "timeout", Usage: "stop the script after this long (e.g. 30s, 5m)", Value: time.Duration(0)},
		&cli.StringFlag{Name: "memory-limit", Usage: "stop the script when it grows the heap by more than this (e.g. 512MiB)"},
		&cli.StringFlag{Name: "sandbox", Usage: "forbid running programs and confine file writes to `DIR`"},
	}
}
