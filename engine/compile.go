package engine

import (
	"bytes"
	"errors"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"
)

// parseSource parses src as a chunk called name. A leading "#!" line is
// blanked (keeping its newline) so that line numbers stay true.
func parseSource(name string, src []byte) ([]ast.Stmt, *ScriptError) {
	if bytes.HasPrefix(src, []byte("#")) {
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			src = src[i:]
		} else {
			src = nil
		}
	}
	chunk, err := parse.Parse(bytes.NewReader(src), name)
	if err != nil {
		return nil, syntaxError(name, src, err)
	}
	if chunk == nil {
		return nil, &ScriptError{File: name, Syntax: true, Message: "the script could not be parsed"}
	}
	return chunk, nil
}

// compile parses and compiles src into a function of L.
func compile(L *lua.LState, name string, src []byte) (*lua.LFunction, *ScriptError) {
	chunk, serr := parseSource(name, src)
	if serr != nil {
		return nil, serr
	}
	proto, serr := compileChunk(name, chunk)
	if serr != nil {
		return nil, serr
	}
	return L.NewFunctionFromProto(proto), nil
}

// compileChunk compiles a parsed chunk; what the parser accepts can still
// fail here (break outside a loop, too many locals).
func compileChunk(name string, chunk []ast.Stmt) (*lua.FunctionProto, *ScriptError) {
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		e := &ScriptError{File: name, Syntax: true, Message: err.Error()}
		var ce *lua.CompileError
		if errors.As(err, &ce) {
			e.Line, e.Message = ce.Line, ce.Message
		}
		return nil, e
	}
	return proto, nil
}

func syntaxError(name string, src []byte, err error) *ScriptError {
	e := &ScriptError{File: name, Syntax: true, Message: strings.TrimSpace(err.Error())}
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return e
	}
	e.Message = pe.Message
	if pe.Pos.Line == parse.EOF {
		e.Line = bytes.Count(src, []byte("\n")) + 1
		e.Message += " at end of file"
	} else {
		e.Line = pe.Pos.Line
		if pe.Token != "" {
			e.Message += " near '" + pe.Token + "'"
		}
	}
	return e
}
