package engine

import (
	"io"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// stream is io.stdout or io.stderr redirected to the run's writers, so a
// test or a daemon job captures its own output instead of the process's.
type stream struct {
	name string
	w    io.Writer
}

const streamClass = "engine.stream"

// installOutput replaces print, io.write, io.stdout, io.stderr and the io
// functions that hand out the default output.
func installOutput(L *lua.LState, s *session) {
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		var b strings.Builder
		for i := 1; i <= L.GetTop(); i++ {
			if i > 1 {
				b.WriteByte('\t')
			}
			b.WriteString(L.ToStringMeta(L.Get(i)).String())
		}
		b.WriteByte('\n')
		if _, err := io.WriteString(s.stdout, b.String()); err != nil {
			L.RaiseError("print: %v", err)
		}
		return 0
	}))

	iolib, ok := L.GetGlobal("io").(*lua.LTable)
	if !ok {
		return
	}
	mt := L.NewTypeMetatable(streamClass)
	methods := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"write":   streamWrite,
		"flush":   func(L *lua.LState) int { checkStream(L); L.Push(lua.LTrue); return 1 },
		"setvbuf": func(L *lua.LState) int { checkStream(L); L.Push(lua.LTrue); return 1 },
		"close": func(L *lua.LState) int {
			checkStream(L)
			L.Push(lua.LNil)
			L.Push(lua.LString("cannot close standard file"))
			return 2
		},
		"seek": func(L *lua.LState) int {
			checkStream(L)
			L.Push(lua.LNil)
			L.Push(lua.LString("cannot seek on a standard output"))
			return 2
		},
		"read":  streamNotReadable,
		"lines": streamNotReadable,
	})
	mt.RawSetString("__index", methods)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("file (" + checkStream(L).name + ")"))
		return 1
	}))
	newStream := func(name string, w io.Writer) *lua.LUserData {
		ud := L.NewUserData()
		ud.Value = &stream{name: name, w: w}
		ud.Metatable = mt
		return ud
	}
	stdout := newStream("stdout", s.stdout)
	iolib.RawSetString("stdout", stdout)
	iolib.RawSetString("stderr", newStream("stderr", s.stderr))

	// The default output starts as the redirected stdout; io.output can
	// switch it to a real file, which then gets the file's own methods.
	var defOut lua.LValue = stdout
	origOpen := iolib.RawGetString("open")
	origType := iolib.RawGetString("type")
	origClose := iolib.RawGetString("close")

	callMethod := func(L *lua.LState, obj lua.LValue, method string, from int) int {
		fn := L.GetField(obj, method)
		top := L.GetTop()
		L.Push(fn)
		L.Push(obj)
		for i := from; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top-from+2, lua.MultRet)
		return L.GetTop() - top
	}

	L.SetFuncs(iolib, map[string]lua.LGFunction{
		"write": func(L *lua.LState) int {
			if ud, ok := defOut.(*lua.LUserData); ok {
				if st, ok := ud.Value.(*stream); ok {
					return writeStream(L, ud, st, 1)
				}
			}
			return callMethod(L, defOut, "write", 1)
		},
		"output": func(L *lua.LState) int {
			switch v := L.Get(1).(type) {
			case *lua.LNilType:
			case lua.LString:
				L.Push(origOpen)
				L.Push(v)
				L.Push(lua.LString("w"))
				L.Call(2, 2)
				f := L.Get(-2)
				if f == lua.LNil {
					L.RaiseError("%s", lua.LVAsString(L.Get(-1)))
				}
				L.Pop(2)
				defOut = f
			case *lua.LUserData:
				if _, ok := v.Value.(*stream); !ok && !isFile(L, origType, v) {
					L.ArgError(1, "file expected")
				}
				defOut = v
			default:
				L.ArgError(1, "file or file name expected")
			}
			L.Push(defOut)
			return 1
		},
		"type": func(L *lua.LState) int {
			if ud, ok := L.Get(1).(*lua.LUserData); ok {
				if _, ok := ud.Value.(*stream); ok {
					L.Push(lua.LString("file"))
					return 1
				}
			}
			L.Push(origType)
			L.Push(L.Get(1))
			L.Call(1, 1)
			return 1
		},
		"close": func(L *lua.LState) int {
			target := L.Get(1)
			if target == lua.LNil {
				target = defOut
			}
			if ud, ok := target.(*lua.LUserData); ok {
				if _, ok := ud.Value.(*stream); ok {
					L.Push(lua.LNil)
					L.Push(lua.LString("cannot close standard file"))
					return 2
				}
			}
			top := L.GetTop()
			L.Push(origClose)
			L.Push(target)
			L.Call(1, lua.MultRet)
			return L.GetTop() - top
		},
	})
}

func isFile(L *lua.LState, origType lua.LValue, v lua.LValue) bool {
	L.Push(origType)
	L.Push(v)
	L.Call(1, 1)
	t := L.Get(-1)
	L.Pop(1)
	return t != lua.LNil
}

func checkStream(L *lua.LState) *stream {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if st, ok := ud.Value.(*stream); ok {
			return st
		}
	}
	L.ArgError(1, "file expected")
	return nil
}

func streamWrite(L *lua.LState) int {
	st := checkStream(L)
	return writeStream(L, L.Get(1).(*lua.LUserData), st, 2)
}

// writeStream writes arguments from index from onwards and returns the
// stream, as Lua's file:write does, or nil and a message on failure.
func writeStream(L *lua.LState, ud *lua.LUserData, st *stream, from int) int {
	var b strings.Builder
	for i := from; i <= L.GetTop(); i++ {
		L.CheckTypes(i, lua.LTString, lua.LTNumber)
		b.WriteString(lua.LVAsString(L.Get(i)))
	}
	if _, err := io.WriteString(st.w, b.String()); err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(ud)
	return 1
}

func streamNotReadable(L *lua.LState) int {
	st := checkStream(L)
	L.Push(lua.LNil)
	L.Push(lua.LString(st.name + " is opened for only writing"))
	return 2
}
