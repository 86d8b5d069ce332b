package engine

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// ScriptError is a run that ended with a Lua error, a syntax error, a
// timeout, a cancellation or an exceeded memory limit.
type ScriptError struct {
	// Message is the error text without the file:line prefix.
	Message string
	// File and Line locate where the error was raised (or where the run was
	// interrupted); Line is 0 when unknown.
	File string
	Line int
	// Traceback is the Lua stack at the point of the error, when known.
	Traceback      string
	Timeout        bool
	Canceled       bool
	MemoryExceeded bool
	// Syntax is set when the script did not compile.
	Syntax bool
	// Value is the raised value when it was a table or userdata, such as an
	// exception object; nil otherwise.
	Value lua.LValue
}

// Error returns "file:line: message", without the traceback.
func (e *ScriptError) Error() string {
	switch {
	case e.File != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Message)
	default:
		return e.Message
	}
}

// ExitError is a script that called os.exit; the process should exit with
// Code once it has cleaned up.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("script called os.exit(%d)", e.Code) }

// timeoutCause, memoryCause and exitCause are context causes that tell why a
// run was interrupted.
type timeoutCause struct{ after string }

func (c *timeoutCause) Error() string { return "timeout after " + c.after }

type memoryCause struct{ limit uint64 }

func (c *memoryCause) Error() string {
	return "memory limit of " + formatBytes(c.limit) + " exceeded"
}

type exitCause struct{ code int }

func (c *exitCause) Error() string { return fmt.Sprintf("os.exit(%d)", c.code) }

func formatBytes(n uint64) string {
	const (
		kib = 1 << 10
		mib = 1 << 20
		gib = 1 << 30
	)
	switch {
	case n >= gib && n%gib == 0:
		return fmt.Sprintf("%d GiB", n/gib)
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d MiB", n/mib)
	case n >= mib:
		return fmt.Sprintf("%.1f MiB", float64(n)/mib)
	case n >= kib && n%kib == 0:
		return fmt.Sprintf("%d KiB", n/kib)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// positionPrefix matches the "chunk:line: " that Lua puts before messages.
var positionPrefix = regexp.MustCompile(`^([^\n]*?):(\d+): ?`)

// splitPosition separates a Lua "file:line: message" into its parts; ok is
// false when the message carries no position.
func splitPosition(msg string) (file string, line int, rest string, ok bool) {
	m := positionPrefix.FindStringSubmatchIndex(msg)
	if m == nil {
		return "", 0, msg, false
	}
	n, err := strconv.Atoi(msg[m[4]:m[5]])
	if err != nil {
		return "", 0, msg, false
	}
	return msg[m[2]:m[3]], n, msg[m[1]:], true
}

// AsScriptError reports whether err is (or wraps) a *ScriptError.
func AsScriptError(err error) (*ScriptError, bool) {
	var se *ScriptError
	ok := errors.As(err, &se)
	return se, ok
}
