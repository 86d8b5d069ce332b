package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/harborscript/harborscript/engine"
)

// scriptGlobals are the globals harborscript gives every script beyond the
// Lua standard library: arg, and event in runs triggered by a webhook.
var scriptGlobals = []string{"arg", "event"}

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "compile scripts without running them and warn about undefined globals",
		ArgsUsage: "SCRIPT...   (- reads a script from stdin)",
		Description: "Prints \"file:line: error|warning: message\" for each finding. Exit status 1 when\n" +
			"any script has an error; warnings alone leave it 0.",
		Action: checkAction,
	}
}

func checkAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageErrorf("check: no script given: harborscript check SCRIPT...")
	}
	type input struct {
		name string
		src  []byte
	}
	// Every file is read before any is checked, so a mistyped path is a
	// usage error rather than a report that stops halfway.
	var inputs []input
	for _, path := range c.Args().Slice() {
		var src []byte
		var err error
		name := path
		if path == "-" {
			name = "stdin"
			src, err = io.ReadAll(os.Stdin)
		} else {
			if err := checkReadable("check", path); err != nil {
				return err
			}
			src, err = os.ReadFile(path)
		}
		if err != nil {
			return usageErrorf("check: cannot read %q: %v", path, unwrapPathError(err))
		}
		inputs = append(inputs, input{name, src})
	}
	errorsFound := 0
	for _, in := range inputs {
		for _, d := range engine.Check(in.name, in.src, scriptGlobals) {
			fmt.Fprintln(c.App.Writer, d.String())
			if d.Severity == "error" {
				errorsFound++
			}
		}
	}
	if errorsFound > 0 {
		return &exitCode{code: exitScript, msg: fmt.Sprintf("check: %d error(s)", errorsFound)}
	}
	return nil
}
