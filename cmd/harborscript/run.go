package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/engine/schedule"
)

func runCommand() *cli.Command {
	flags := append(connectionFlags(), runtimeFlags()...)
	flags = append(flags,
		&cli.StringFlag{Name: "e", Usage: "run `CODE` instead of a file; all arguments go to the script"},
		&cli.StringFlag{Name: "event", Usage: "give the script the Harbor webhook event in `FILE` (Default or CloudEvents JSON) as the global event and arg.event"})
	return &cli.Command{
		Name:      "run",
		Usage:     "run a Lua script",
		ArgsUsage: "SCRIPT [ARGS...]   (SCRIPT - reads the script from stdin)",
		Description: "Flags go before SCRIPT; everything after it is passed to the script as arg[1..].\n" +
			"Exit status: 0 success, 1 script error or --timeout, 2 usage or configuration error,\n" +
			"130 interrupted, or the code given to os.exit.",
		Flags:  flags,
		Action: runAction,
	}
}

func runAction(c *cli.Context) error {
	var script, code string
	args := c.Args().Slice()
	fromCode := c.IsSet("e")
	if fromCode {
		code = c.String("e")
	} else {
		if len(args) == 0 {
			return usageErrorf("run: no script given: harborscript run [flags] SCRIPT [ARGS...] (SCRIPT - reads stdin; -e CODE runs a string)")
		}
		script, args = args[0], args[1:]
		if script == "-" {
			data, err := io.ReadAll(os.Stdin)
			if err != nil {
				return usageErrorf("run: cannot read the script from stdin: %v", err)
			}
			code = string(data)
		} else if err := checkReadable("run", script); err != nil {
			return err
		}
	}
	opts, err := engineOptions(c)
	if err != nil {
		return err
	}
	var event *schedule.Event
	if path := c.String("event"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return usageErrorf("run: cannot read the event file %q: %v", path, unwrapPathError(err))
		}
		if event, err = schedule.EventFromJSON(data); err != nil {
			return usageErrorf("run: %s is not a Harbor webhook event: %v", path, err)
		}
	}
	rt, err := newRuntime(c)
	if err != nil {
		return err
	}
	defer rt.close()

	ctx, stop := interruptContext()
	defer stop()
	opts.Args = args
	opts.Stdout, opts.Stderr = rt.stdout, rt.stderr
	opts.Setup = rt.setup
	if event != nil {
		setup := opts.Setup
		opts.Setup = func(L *lua.LState) error {
			if err := setup(L); err != nil {
				return err
			}
			return schedule.InstallEvent(L, event)
		}
	}
	switch {
	case fromCode:
		err = engine.RunString(ctx, "(command line)", code, opts)
	case script == "-":
		err = engine.RunString(ctx, "stdin", code, opts)
	default:
		err = engine.RunFile(ctx, script, opts)
	}
	return runOutcome(ctx, err, opts, rt.stderr)
}

// checkReadable turns a missing or unreadable script into a usage error
// before anything is started.
func checkReadable(cmd, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return usageErrorf("%s: cannot read script %q: %v", cmd, path, unwrapPathError(err))
	}
	if st.IsDir() {
		return usageErrorf("%s: %q is a directory, not a script", cmd, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return usageErrorf("%s: cannot read script %q: %v", cmd, path, unwrapPathError(err))
	}
	return f.Close()
}

// interruptContext is cancelled by the first SIGINT or SIGTERM; a second
// one gets the default behaviour and ends the process at once, for a run
// that does not stop.
func interruptContext() (context.Context, func()) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

// runOutcome prints how a run ended and turns it into the exit code.
func runOutcome(ctx context.Context, err error, opts engine.Options, stderr io.Writer) error {
	if err == nil {
		return nil
	}
	var exit *engine.ExitError
	if errors.As(err, &exit) {
		return &exitCode{code: exit.Code}
	}
	se, ok := engine.AsScriptError(err)
	if !ok {
		// Not the script's fault: the state or its modules could not be set up.
		return &exitCode{code: exitUsage, msg: err.Error()}
	}
	switch {
	case se.Canceled && ctx.Err() != nil:
		fmt.Fprintln(stderr, "error: interrupted: the script was stopped"+where(se))
		return &exitCode{code: exitCanceled}
	case se.Timeout:
		fmt.Fprintf(stderr, "error: %stimeout: the run was stopped after --timeout %s\n", position(se), opts.Timeout)
		writeTraceback(stderr, se.Traceback)
		return &exitCode{code: exitScript}
	case se.MemoryExceeded:
		fmt.Fprintf(stderr, "error: %s%s: the run was stopped (--memory-limit)\n", position(se), se.Message)
		writeTraceback(stderr, se.Traceback)
		return &exitCode{code: exitScript}
	}
	fmt.Fprintln(stderr, "error: "+se.Error())
	writeTraceback(stderr, se.Traceback)
	return &exitCode{code: exitScript}
}

func position(se *engine.ScriptError) string {
	if se.File != "" && se.Line > 0 {
		return fmt.Sprintf("%s:%d: ", se.File, se.Line)
	}
	return ""
}

func where(se *engine.ScriptError) string {
	if se.File != "" && se.Line > 0 {
		return fmt.Sprintf(" at %s:%d", se.File, se.Line)
	}
	return ""
}

func writeTraceback(w io.Writer, tb string) {
	tb = strings.TrimRight(tb, "\n")
	if tb != "" {
		fmt.Fprintln(w, tb)
	}
}
