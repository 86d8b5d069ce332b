// Package luadoc describes the Lua API in Go values and renders the
// reference (docs/lua-api.md) from them, so the reference follows the code.
package luadoc

//go:generate go run ./gen ../../docs/lua-api.md

// Kind says what a Module documents.
type Kind string

const (
	// KindModule is a table returned by require(Name).
	KindModule Kind = "module"
	// KindType is a value some function returns (a client, an ArtifactInfo):
	// its Functions are methods, its Fields are what it holds.
	KindType Kind = "type"
	// KindGlobals are global variables the runner sets.
	KindGlobals Kind = "globals"
)

// Module documents one Lua module, one kind of value, or the globals.
type Module struct {
	// Name is the require name for a module, or the name of the type.
	Name    string
	Kind    Kind
	Summary string
	// Text is free Markdown shown after the summary (rules that apply to
	// every function, a hierarchy drawn from code).
	Text      string
	Fields    []Field
	Functions []Func
	// Example is a Lua chunk showing the module in use; it is run by the
	// documentation tests like every other example.
	Example string
}

// Func documents one function or method.
type Func struct {
	// Name is the key under which the function is registered.
	Name string
	// Signature shows how it is called, e.g. "api.get_artifact([client,]
	// project, repository, reference[, opts])".
	Signature string
	Summary   string
	Params    []Param
	Returns   string
	Example   string
	// Brief functions are listed in one table row each (the client's many
	// everyday methods) instead of a section of their own.
	Brief bool
}

// Param documents an argument or an option of an options table.
type Param struct {
	Name    string
	Type    string
	Default string
	Summary string
}

// Field documents a value held by a module or a type.
type Field struct {
	Name    string
	Type    string
	Summary string
}

// FunctionNames lists the names of m's functions.
func (m Module) FunctionNames() []string {
	out := make([]string, len(m.Functions))
	for i, f := range m.Functions {
		out[i] = f.Name
	}
	return out
}

// FieldNames lists the names of m's fields.
func (m Module) FieldNames() []string {
	out := make([]string, len(m.Fields))
	for i, f := range m.Fields {
		out[i] = f.Name
	}
	return out
}
