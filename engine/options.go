package engine

import (
	"io"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// DefaultCallStackSize bounds Lua call depth: deep enough for any sane
// script, while runaway recursion becomes a Lua "stack overflow" error long
// before the Go stack is at risk. It is kept at half Lua 5.1's limit because
// gopher-lua's error reporting costs time quadratic in the depth, about
// 0.25 s at this size.
const DefaultCallStackSize = 10000

// Options configures one run (or one REPL state).
type Options struct {
	// Args become arg[1..] and the chunk's "...".
	Args []string
	// Stdout receives print, io.write and io.stdout; Stderr receives
	// io.stderr. Nil means os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer
	// Setup runs after the standard libraries are opened and before the
	// script: it preloads modules and sets globals.
	Setup func(L *lua.LState) error
	// Timeout limits each run; 0 means none.
	Timeout time.Duration
	// MemoryLimit in bytes; 0 means none. The Go heap is shared by the whole
	// process, so the limit applies to the heap's growth since the run
	// started: in a daemon running several scripts at once, allocations by
	// the others count against each run that is active at the same time.
	MemoryLimit uint64
	// Sandbox restricts what the script may do to the machine; nil means
	// full access.
	Sandbox *Sandbox
	// CallStackSize bounds Lua call depth; 0 means DefaultCallStackSize.
	CallStackSize int
}

// Sandbox removes process execution and confines writes to WriteDir.
// Reading files stays allowed. An empty WriteDir forbids all writes.
type Sandbox struct {
	WriteDir string
}
