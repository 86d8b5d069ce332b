package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"github.com/chzyer/readline"
	"github.com/urfave/cli/v2"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/term"

	"github.com/harborscript/harborscript/engine"
)

func replCommand() *cli.Command {
	return &cli.Command{
		Name:  "repl",
		Usage: "interactive Lua prompt with the modules loaded and harbor.default connected",
		Description: "Expressions are printed; an unfinished statement continues on a \">>\" line.\n" +
			"--timeout applies to each input. Ctrl-C stops a running input; Ctrl-D ends the session.",
		Flags:  append(connectionFlags(), runtimeFlags()...),
		Action: replAction,
	}
}

// lineReader reads one line of input after showing prompt.
type lineReader interface {
	readLine(prompt string) (string, error)
	close()
}

// errLineInterrupted is Ctrl-C at the prompt: drop the unfinished input.
var errLineInterrupted = errors.New("interrupted")

type terminalReader struct{ rl *readline.Instance }

func (t *terminalReader) readLine(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	line, err := t.rl.Readline()
	if errors.Is(err, readline.ErrInterrupt) {
		return "", errLineInterrupted
	}
	return line, err
}

func (t *terminalReader) close() { t.rl.Close() }

// plainReader serves piped input; prompts go to stderr so that stdout holds
// only what the input printed.
type plainReader struct {
	in     *bufio.Reader
	prompt io.Writer
}

func (p *plainReader) readLine(prompt string) (string, error) {
	io.WriteString(p.prompt, prompt)
	line, err := p.in.ReadString('\n')
	if err != nil && line == "" {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (p *plainReader) close() {}

func newLineReader(stdout, stderr io.Writer) (lineReader, error) {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return &plainReader{in: bufio.NewReader(os.Stdin), prompt: stderr}, nil
	}
	cfg := &readline.Config{Prompt: "> ", Stdout: stdout, Stderr: stderr, InterruptPrompt: "^C", EOFPrompt: ""}
	if dir, err := os.UserCacheDir(); err == nil {
		dir = filepath.Join(dir, "harborscript")
		if os.MkdirAll(dir, 0o700) == nil {
			cfg.HistoryFile = filepath.Join(dir, "repl_history")
		}
	}
	rl, err := readline.NewEx(cfg)
	if err != nil {
		return nil, err
	}
	return &terminalReader{rl: rl}, nil
}

type lineResult struct {
	line string
	err  error
}

func replAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageErrorf("repl takes no arguments, got %q (to run a script use: harborscript run)", c.Args().First())
	}
	opts, err := engineOptions(c)
	if err != nil {
		return err
	}
	rt, err := newRuntime(c)
	if err != nil {
		return err
	}
	defer rt.close()
	stdout, stderr := rt.stdout, rt.stderr
	opts.Stdout, opts.Stderr = stdout, stderr
	opts.Setup = rt.setup
	L, closeState, err := engine.NewState(context.Background(), opts)
	if err != nil {
		return &exitCode{code: exitUsage, msg: err.Error()}
	}
	defer closeState()

	reader, err := newLineReader(stdout, stderr)
	if err != nil {
		return &exitCode{code: exitUsage, msg: "repl: " + err.Error()}
	}
	defer reader.close()

	// Reading happens on its own goroutine so that a signal can end the
	// session while it waits for input.
	prompts := make(chan string)
	lines := make(chan lineResult)
	go func() {
		for p := range prompts {
			l, err := reader.readLine(p)
			lines <- lineResult{l, err}
		}
	}()
	defer close(prompts)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)

	if rt.client != nil {
		fmt.Fprintf(stderr, "harborscript repl: harbor.default is %s; Ctrl-D to quit\n", rt.client)
	} else {
		fmt.Fprintln(stderr, "harborscript repl: no Harbor configured (use --url or --demo); Ctrl-D to quit")
	}
	var pending string
	for {
		prompt := "> "
		if pending != "" {
			prompt = ">> "
		}
		prompts <- prompt
		var in lineResult
		select {
		case in = <-lines:
		case <-sig:
			fmt.Fprintln(stderr)
			return &exitCode{code: exitCanceled}
		}
		switch {
		case errors.Is(in.err, errLineInterrupted):
			pending = ""
			continue
		case errors.Is(in.err, io.EOF):
			if pending != "" {
				fmt.Fprintln(stderr, "error: input ended inside an unfinished statement")
			}
			fmt.Fprintln(stderr)
			return nil
		case in.err != nil:
			return &exitCode{code: exitUsage, msg: "repl: reading input: " + in.err.Error()}
		}
		chunk := in.line
		if pending != "" {
			chunk = pending + "\n" + in.line
		} else if strings.TrimSpace(chunk) == "" {
			continue
		}
		results, err, incomplete, stopped := evalInput(L, chunk, sig)
		if stopped == syscall.SIGTERM {
			return &exitCode{code: exitCanceled, msg: "terminated"}
		}
		if incomplete {
			pending = chunk
			continue
		}
		pending = ""
		if err != nil {
			var exit *engine.ExitError
			if errors.As(err, &exit) {
				return &exitCode{code: exit.Code}
			}
			fmt.Fprintln(stderr, "error: "+replMessage(err))
			continue
		}
		if len(results) > 0 {
			parts := make([]string, len(results))
			for i, v := range results {
				parts[i] = formatValue(L, v, true)
			}
			fmt.Fprintln(stdout, strings.Join(parts, "\t"))
		}
	}
}

// evalInput runs one input, first as an expression to print, then as a
// statement. incomplete means the input needs more lines.
// stopped is the signal that interrupted it, if any.
func evalInput(L *lua.LState, chunk string, sig <-chan os.Signal) (results []lua.LValue, err error, incomplete bool, stopped os.Signal) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	got := make(chan os.Signal, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case s := <-sig:
			got <- s
			cancel()
		case <-done:
		}
	}()
	defer func() {
		close(done)
		wg.Wait()
		select {
		case stopped = <-got:
		default:
		}
	}()
	results, err = engine.Eval(ctx, L, "stdin", "return "+chunk)
	exprErr := err
	if se, ok := engine.AsScriptError(err); !ok || !se.Syntax {
		return results, err, false, nil
	}
	results, err = engine.Eval(ctx, L, "stdin", keepLocals(chunk))
	if se, ok := engine.AsScriptError(err); ok && se.Syntax {
		if unfinished(se) || unfinished(exprErr) {
			return nil, nil, true, nil
		}
	}
	return results, err, false, nil
}

var (
	localFunction = regexp.MustCompile(`^\s*local\s+function\s`)
	localAssign   = regexp.MustCompile(`^\s*local\s+([A-Za-z_][A-Za-z0-9_]*\s*(,\s*[A-Za-z_][A-Za-z0-9_]*\s*)*)=`)
)

// keepLocals turns an input's leading local declaration into a global one.
// Each input is its own chunk, so a local would be gone by the next prompt:
// "local api = require(...)" followed by "api.get_artifacts{}" would fail.
func keepLocals(chunk string) string {
	if loc := localFunction.FindStringIndex(chunk); loc != nil {
		return "function " + chunk[loc[1]:]
	}
	if m := localAssign.FindStringSubmatchIndex(chunk); m != nil {
		return chunk[m[2]:m[3]] + "=" + chunk[m[1]:]
	}
	return chunk
}

// unfinished reports a syntax error caused by the input stopping early.
func unfinished(err error) bool {
	se, ok := engine.AsScriptError(err)
	if !ok || !se.Syntax {
		return false
	}
	return strings.HasSuffix(se.Message, "at end of file") || strings.Contains(se.Message, "<eof>") ||
		strings.Contains(se.Message, "unterminated string") && strings.Contains(se.Message, "EOF")
}

func replMessage(err error) string {
	se, ok := engine.AsScriptError(err)
	if !ok {
		return err.Error()
	}
	switch {
	case se.Canceled:
		return "interrupted"
	case se.Timeout:
		return se.Message + " (--timeout)"
	}
	return se.Error()
}
