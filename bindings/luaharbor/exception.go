package luaharbor

import (
	"context"
	"errors"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaopts"
	"github.com/harborscript/harborscript/harbor"
)

const exceptionMeta = "harbor.exception"

// AsError converts any Go error into the *harbor.Error a script sees.
func AsError(err error) *harbor.Error {
	var he *harbor.Error
	if errors.As(err, &he) {
		return he
	}
	var oe *luaopts.Error
	if errors.As(err, &oe) {
		return &harbor.Error{Type: harbor.TypeValueError, Message: oe.Message}
	}
	if errors.Is(err, context.Canceled) {
		return &harbor.Error{Type: harbor.TypeTransportError, Message: "canceled", Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &harbor.Error{Type: harbor.TypeTimeoutError, Message: "deadline exceeded", Err: err}
	}
	return &harbor.Error{Type: harbor.TypeHarborAPIException, Message: err.Error(), Err: err}
}

// Exception builds the exception table of err: type, message, status_code,
// request {method, url}, errors, key; e:is(name) and tostring(e) through its
// metatable.
func Exception(L *lua.LState, err error) *lua.LTable {
	he := AsError(err)
	t := L.CreateTable(0, 7)
	t.RawSetString("type", lua.LString(he.Type))
	t.RawSetString("message", lua.LString(he.Message))
	if he.StatusCode != 0 {
		t.RawSetString("status_code", lua.LNumber(he.StatusCode))
	}
	if he.Request != nil {
		r := L.CreateTable(0, 2)
		r.RawSetString("method", lua.LString(he.Request.Method))
		r.RawSetString("url", lua.LString(he.Request.URL))
		t.RawSetString("request", r)
	}
	errs := L.CreateTable(len(he.Errors), 0)
	for _, d := range he.Errors {
		e := L.CreateTable(0, 2)
		e.RawSetString("code", lua.LString(d.Code))
		e.RawSetString("message", lua.LString(d.Message))
		errs.Append(e)
	}
	t.RawSetString("errors", errs)
	if he.Key != "" {
		t.RawSetString("key", lua.LString(he.Key))
	}
	t.Metatable = exceptionMetatable(L)
	return t
}

func exceptionMetatable(L *lua.LState) *lua.LTable {
	if mt, ok := L.G.Registry.RawGetString(exceptionMeta).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	methods := L.NewTable()
	methods.RawSetString("is", L.NewFunction(exceptionIs))
	mt.RawSetString("__index", methods)
	mt.RawSetString("__tostring", L.NewFunction(exceptionString))
	mt.RawSetString("__name", lua.LString("harbor.exception"))
	L.G.Registry.RawSetString(exceptionMeta, mt)
	return mt
}

func exceptionIs(L *lua.LState) int {
	t := L.CheckTable(1)
	name := L.CheckString(2)
	if _, known := harbor.Parents[name]; !known && name != harbor.TypeHarborAPIException {
		L.RaiseError("exception:is: unknown exception type %q", name)
	}
	typ, _ := t.RawGetString("type").(lua.LString)
	L.Push(lua.LBool(harbor.TypeIs(string(typ), name)))
	return 1
}

func exceptionString(L *lua.LState) int {
	t := L.CheckTable(1)
	L.Push(lua.LString(Describe(t)))
	return 1
}

// Describe renders an exception table as its tostring.
func Describe(t *lua.LTable) string {
	he := &harbor.Error{}
	he.Type = lua.LVAsString(t.RawGetString("type"))
	he.Message = lua.LVAsString(t.RawGetString("message"))
	if n, ok := t.RawGetString("status_code").(lua.LNumber); ok {
		he.StatusCode = int(n)
	}
	if r, ok := t.RawGetString("request").(*lua.LTable); ok {
		he.Request = &harbor.RequestInfo{Method: lua.LVAsString(r.RawGetString("method")), URL: lua.LVAsString(r.RawGetString("url"))}
	}
	return he.Error()
}

// Raise raises err as an exception object; pcall returns the table.
func Raise(L *lua.LState, err error) {
	L.Error(Exception(L, err), 1)
}

// ValueError raises a ValueError with a formatted message.
func ValueError(L *lua.LState, format string, args ...any) {
	Raise(L, harbor.ValueErrorf(format, args...))
}
