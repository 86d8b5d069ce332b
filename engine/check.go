package engine

import (
	"fmt"
	"sort"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
)

// Diagnostic is one finding of Check.
type Diagnostic struct {
	File     string
	Line     int
	Severity string // "error" or "warning"
	Message  string
}

// String formats the diagnostic as "file:line: severity: message".
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", d.File, d.Line, d.Severity, d.Message)
}

// Check compiles src without running it. A syntax error is reported as an
// error; reads of globals that nothing defines, and writes from inside
// functions to globals the file never defines at top level, are reported
// as warnings, since both are usually a misspelt or forgotten local.
// Globals defined by the standard libraries, by knownGlobals, or by an
// assignment or function definition at the file's top level are fine.
func Check(path string, src []byte, knownGlobals []string) []Diagnostic {
	chunk, serr := parseSource(path, src)
	if serr == nil {
		_, serr = compileChunk(path, chunk)
	}
	if serr != nil {
		return []Diagnostic{{File: path, Line: serr.Line, Severity: "error", Message: serr.Message}}
	}
	c := &checker{file: path, known: map[string]bool{}, declared: map[string]bool{}}
	for _, g := range standardGlobals() {
		c.known[g] = true
	}
	for _, g := range knownGlobals {
		c.known[g] = true
	}
	// The first pass learns the top-level globals so that a function may
	// use one defined further down the file.
	c.collect = true
	c.block(chunk)
	c.collect = false
	c.block(chunk)
	sort.SliceStable(c.diags, func(i, j int) bool { return c.diags[i].Line < c.diags[j].Line })
	return c.diags
}

var (
	stdGlobalsOnce sync.Once
	stdGlobals     []string
)

// standardGlobals lists what a run's state defines before Setup, read from
// a state opened the same way so the list cannot drift from the runtime.
func standardGlobals() []string {
	stdGlobalsOnce.Do(func() {
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		defer L.Close()
		for _, lib := range standardLibs {
			L.Push(L.NewFunction(lib.open))
			L.Push(lua.LString(lib.name))
			L.Call(1, 0)
		}
		L.G.Global.ForEach(func(k, _ lua.LValue) {
			if s, ok := k.(lua.LString); ok {
				stdGlobals = append(stdGlobals, string(s))
			}
		})
		stdGlobals = append(stdGlobals, "arg")
	})
	return stdGlobals
}

type checker struct {
	file     string
	known    map[string]bool
	declared map[string]bool
	collect  bool
	scopes   []map[string]bool
	depth    int // function nesting; 0 is the main chunk
	line     int // line of the statement being walked, for nodes without one
	diags    []Diagnostic
}

func (c *checker) push()               { c.scopes = append(c.scopes, map[string]bool{}) }
func (c *checker) pop()                { c.scopes = c.scopes[:len(c.scopes)-1] }
func (c *checker) declare(name string) { c.scopes[len(c.scopes)-1][name] = true }

func (c *checker) isLocal(name string) bool {
	for i := len(c.scopes) - 1; i >= 0; i-- {
		if c.scopes[i][name] {
			return true
		}
	}
	return false
}

func (c *checker) isGlobalDefined(name string) bool {
	return c.known[name] || c.declared[name]
}

func (c *checker) warn(line int, format string, args ...any) {
	if line <= 0 {
		line = c.line
	}
	c.diags = append(c.diags, Diagnostic{File: c.file, Line: line, Severity: "warning", Message: fmt.Sprintf(format, args...)})
}

func (c *checker) read(id *ast.IdentExpr) {
	if c.collect || c.isLocal(id.Value) || c.isGlobalDefined(id.Value) {
		return
	}
	c.warn(id.Line(), "read of undefined global '%s'", id.Value)
}

func (c *checker) write(id *ast.IdentExpr) {
	if c.isLocal(id.Value) {
		return
	}
	if c.collect {
		if c.depth == 0 {
			c.declared[id.Value] = true
		}
		return
	}
	if c.depth > 0 && !c.isGlobalDefined(id.Value) {
		c.warn(id.Line(), "write to undefined global '%s' (make it local, or define it at top level)", id.Value)
	}
}

func (c *checker) block(stmts []ast.Stmt) {
	c.push()
	c.stmts(stmts)
	c.pop()
}

func (c *checker) stmts(stmts []ast.Stmt) {
	for _, s := range stmts {
		c.stmt(s)
	}
}

func (c *checker) stmt(s ast.Stmt) {
	c.line = s.Line()
	switch s := s.(type) {
	case *ast.AssignStmt:
		c.exprs(s.Rhs)
		for _, lhs := range s.Lhs {
			if id, ok := lhs.(*ast.IdentExpr); ok {
				c.write(id)
			} else {
				c.expr(lhs)
			}
		}
	case *ast.LocalAssignStmt:
		// "local function f" is in scope in its own body; the parser gives
		// it the same shape as "local f = function", which is treated
		// alike and so a little more leniently.
		if len(s.Names) == 1 && len(s.Exprs) == 1 {
			if fn, ok := s.Exprs[0].(*ast.FunctionExpr); ok {
				c.declare(s.Names[0])
				c.function(fn, false)
				return
			}
		}
		c.exprs(s.Exprs)
		for _, n := range s.Names {
			c.declare(n)
		}
	case *ast.FuncCallStmt:
		c.expr(s.Expr)
	case *ast.DoBlockStmt:
		c.block(s.Stmts)
	case *ast.WhileStmt:
		c.expr(s.Condition)
		c.block(s.Stmts)
	case *ast.RepeatStmt:
		// The condition sees the body's locals.
		c.push()
		c.stmts(s.Stmts)
		c.expr(s.Condition)
		c.pop()
	case *ast.IfStmt:
		c.expr(s.Condition)
		c.block(s.Then)
		c.block(s.Else)
	case *ast.NumberForStmt:
		c.expr(s.Init)
		c.expr(s.Limit)
		c.expr(s.Step)
		c.push()
		c.declare(s.Name)
		c.stmts(s.Stmts)
		c.pop()
	case *ast.GenericForStmt:
		c.exprs(s.Exprs)
		c.push()
		for _, n := range s.Names {
			c.declare(n)
		}
		c.stmts(s.Stmts)
		c.pop()
	case *ast.FuncDefStmt:
		method := s.Name.Func == nil
		if method {
			c.expr(s.Name.Receiver)
		} else if id, ok := s.Name.Func.(*ast.IdentExpr); ok {
			c.write(id)
		} else {
			c.expr(s.Name.Func)
		}
		c.function(s.Func, method)
	case *ast.ReturnStmt:
		c.exprs(s.Exprs)
	}
}

func (c *checker) function(fn *ast.FunctionExpr, method bool) {
	c.depth++
	c.push()
	if method {
		c.declare("self")
	}
	for _, p := range fn.ParList.Names {
		c.declare(p)
	}
	c.stmts(fn.Stmts)
	c.pop()
	c.depth--
}

func (c *checker) exprs(es []ast.Expr) {
	for _, e := range es {
		c.expr(e)
	}
}

func (c *checker) expr(e ast.Expr) {
	switch e := e.(type) {
	case nil:
	case *ast.IdentExpr:
		c.read(e)
	case *ast.AttrGetExpr:
		c.expr(e.Object)
		c.expr(e.Key)
	case *ast.TableExpr:
		for _, f := range e.Fields {
			c.expr(f.Key)
			c.expr(f.Value)
		}
	case *ast.FuncCallExpr:
		c.expr(e.Func)
		c.expr(e.Receiver)
		c.exprs(e.Args)
	case *ast.LogicalOpExpr:
		c.expr(e.Lhs)
		c.expr(e.Rhs)
	case *ast.RelationalOpExpr:
		c.expr(e.Lhs)
		c.expr(e.Rhs)
	case *ast.StringConcatOpExpr:
		c.expr(e.Lhs)
		c.expr(e.Rhs)
	case *ast.ArithmeticOpExpr:
		c.expr(e.Lhs)
		c.expr(e.Rhs)
	case *ast.UnaryMinusOpExpr:
		c.expr(e.Expr)
	case *ast.UnaryNotOpExpr:
		c.expr(e.Expr)
	case *ast.UnaryLenOpExpr:
		c.expr(e.Expr)
	case *ast.FunctionExpr:
		c.function(e, false)
	}
}
