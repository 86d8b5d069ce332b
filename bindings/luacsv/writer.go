package luacsv

import (
	"encoding/csv"
	"io"
	"os"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

type writer struct {
	w      *csv.Writer
	file   *os.File // nil for stdout, which close must leave open
	header []string
	rows   int
	closed bool
	name   string
}

// newWriter implements csv.writer([path][, {header, delimiter}]); nil or "-" is stdout.
func newWriter(L *lua.LState, cfg Config) int {
	const fn = "csv.writer"
	path := luaconv.OptString(L, fn, 1, "-")
	o, _ := parseOptions(L, fn, 2, false)
	cw := &writer{header: o.header, name: path}
	var out io.Writer = cfg.Stdout
	if path != "-" {
		if cfg.CheckWrite != nil {
			if err := cfg.CheckWrite(L, path); err != nil {
				luaconv.Raise(L, fn, "%s", err)
			}
		}
		f, err := os.Create(path)
		if err != nil {
			luaconv.Raise(L, fn, "cannot create the file: %s", err)
		}
		cw.file, out = f, f
	} else {
		cw.name = "stdout"
	}
	cw.w = csv.NewWriter(out)
	cw.w.Comma = o.comma
	if o.header != nil {
		_ = cw.w.Write(o.header)
		if err := cw.flush(); err != nil {
			luaconv.Raise(L, fn, "%s", err)
		}
	}
	ud := L.NewUserData()
	ud.Value = cw
	ud.Metatable = L.GetTypeMetatable(writerType)
	L.Push(ud)
	return 1
}

func checkWriter(L *lua.LState, method string) *writer {
	fn := writerType + ":" + method
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if w, ok := ud.Value.(*writer); ok {
			if w.closed {
				luaconv.Raise(L, fn, "writer for %s is closed", w.name)
			}
			return w
		}
	}
	luaconv.Raise(L, fn, "must be called on a csv writer (use w:%s(...)), got %s", method, luaconv.TypeName(L.Get(1)))
	return nil
}

// flush pushes buffered rows out after every call, so nothing is lost when a
// script forgets close() or fails halfway through a report.
func (w *writer) flush() error {
	w.w.Flush()
	return w.w.Error()
}

func (w *writer) writeRow(L *lua.LState, fn string, row lua.LValue) {
	w.rows++
	rec, err := record(w.header, row, w.rows)
	if err != nil {
		luaconv.Raise(L, fn, "%s", err)
	}
	_ = w.w.Write(rec) // errors surface from flush
}

func writerWrite(L *lua.LState) int {
	w := checkWriter(L, "write")
	w.writeRow(L, writerType+":write", L.Get(2))
	if err := w.flush(); err != nil {
		luaconv.Raise(L, writerType+":write", "writing %s: %s", w.name, err)
	}
	return 0
}

func writerWriteAll(L *lua.LState) int {
	const fn = writerType + ":write_all"
	w := checkWriter(L, "write_all")
	rows := luaconv.CheckTable(L, fn, 2)
	for i := 1; i <= rows.Len(); i++ {
		w.writeRow(L, fn, rows.RawGetInt(i))
	}
	if err := w.flush(); err != nil {
		luaconv.Raise(L, fn, "writing %s: %s", w.name, err)
	}
	return 0
}

func writerClose(L *lua.LState) int {
	w := checkWriter(L, "close")
	w.closed = true
	err := w.flush()
	if w.file != nil {
		if cerr := w.file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		luaconv.Raise(L, writerType+":close", "writing %s: %s", w.name, err)
	}
	return 0
}
