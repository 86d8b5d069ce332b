// Package engine runs Lua scripts: it builds the Lua state, wires output,
// arguments and modules, and turns errors, timeouts and cancellation into Go errors.
package engine
