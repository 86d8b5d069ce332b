// Command harborscript runs Lua scripts that automate a Harbor registry,
// checks them, explores the API interactively and serves a demo registry.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/harborscript/harborscript/harbor"
)

// Exit codes a caller of harborscript can rely on.
const (
	exitOK       = 0
	exitScript   = 1
	exitUsage    = 2
	exitCanceled = 130
)

// exitCode ends the process with code after its message (if any) has been
// printed to stderr.
type exitCode struct {
	code int
	msg  string
}

func (e *exitCode) Error() string { return e.msg }

// usageErrorf is a mistake in the command line or configuration: the
// message says what to fix.
func usageErrorf(format string, args ...any) error {
	return &exitCode{code: exitUsage, msg: fmt.Sprintf(format, args...)}
}

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// commands lists every subcommand; each lives in its own file.
func commands() []*cli.Command {
	return []*cli.Command{
		runCommand(),
		checkCommand(),
		replCommand(),
		opsCommand(),
		demoServerCommand(),
		scheduleCommand(),
		docCommand(),
		versionCommand(),
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	cmds := commands()
	for _, c := range cmds {
		// urfave/cli prints the whole help to stdout on a bad flag; one line
		// on stderr saying what was wrong is easier to act on.
		name := c.Name
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return usageErrorf("%s: %v (see 'harborscript %s --help')", name, err, name)
		}
	}
	return &cli.App{
		Name:            "harborscript",
		Usage:           "run Lua scripts that automate a Harbor container registry",
		Version:         harbor.Version,
		HideVersion:     true,
		Commands:        cmds,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		// Exit codes are decided in run, after deferred cleanups.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageErrorf("%v (see 'harborscript --help')", err)
		},
	}
}

// run executes the command line and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	notFound := false
	app.CommandNotFound = func(c *cli.Context, name string) {
		notFound = true
		fmt.Fprintf(stderr, "error: unknown command %q (see 'harborscript --help')\n", name)
	}
	err := app.Run(args)
	if notFound {
		return exitUsage
	}
	if err == nil {
		return exitOK
	}
	var ec *exitCode
	if errors.As(err, &ec) {
		if ec.msg != "" {
			fmt.Fprintln(stderr, "error: "+ec.msg)
		}
		return ec.code
	}
	fmt.Fprintln(stderr, "error: "+err.Error())
	return exitUsage
}
