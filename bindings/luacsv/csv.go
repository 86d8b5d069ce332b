// Package luacsv is the Lua "csv" module: write report rows to files or stdout and encode/decode CSV text.
// Rows are lists of cells, or maps keyed by the header names when a header is given.
package luacsv

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// Config customises the module for one state.
type Config struct {
	// Stdout receives csv.writer() / csv.writer("-") output; nil means os.Stdout.
	Stdout io.Writer
	// CheckWrite, when set, is asked before a file is created, so a
	// sandboxed run cannot write outside its directory.
	CheckWrite func(L *lua.LState, path string) error
}

const writerType = "csv.Writer"

// Preload makes require("csv") available in L writing to os.Stdout.
func Preload(L *lua.LState) { PreloadWith(L, Config{}) }

// PreloadWith makes require("csv") available in L with cfg.
func PreloadWith(L *lua.LState, cfg Config) {
	L.PreloadModule("csv", func(L *lua.LState) int { return load(L, cfg) })
}

// Loader builds the module table writing to os.Stdout.
func Loader(L *lua.LState) int { return load(L, Config{}) }

func load(L *lua.LState, cfg Config) int {
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	mt := L.NewTypeMetatable(writerType)
	mt.RawSetString("__index", L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"write":     writerWrite,
		"write_all": writerWriteAll,
		"close":     writerClose,
	}))
	mt.RawSetString("__name", lua.LString(writerType))
	L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"writer": func(L *lua.LState) int { return newWriter(L, cfg) },
		"encode": encode,
		"decode": decode,
	}))
	return 1
}

type options struct {
	header []string
	comma  rune
}

// parseOptions reads {header=..., delimiter=...}; header is a list of names
// when writing, and true/false when decoding.
func parseOptions(L *lua.LState, fn string, n int, decoding bool) (options, bool) {
	o := options{comma: ','}
	useHeader := false
	opts := luaconv.OptTable(L, fn, n)
	if opts == nil {
		return o, false
	}
	if d := luaconv.OptStringField(L, fn, opts, "delimiter", ","); d != "," {
		r, size := utf8.DecodeRuneInString(d)
		if size != len(d) || r == utf8.RuneError || r == '"' || r == '\r' || r == '\n' {
			luaconv.OptionError(L, fn, "delimiter", "must be a single character other than a quote or newline, got %q", d)
		}
		o.comma = r
	}
	h := opts.RawGetString("header")
	switch hv := h.(type) {
	case *lua.LNilType:
	case lua.LBool:
		if !decoding {
			luaconv.OptionError(L, fn, "header", "must be a list of column names, got boolean")
		}
		useHeader = bool(hv)
	case *lua.LTable:
		if decoding {
			luaconv.OptionError(L, fn, "header", "must be true or false, got table")
		}
		for i := 1; i <= hv.Len(); i++ {
			s, ok := hv.RawGetInt(i).(lua.LString)
			if !ok {
				luaconv.OptionError(L, fn, "header", "entry %d must be a string, got %s", i, luaconv.TypeName(hv.RawGetInt(i)))
			}
			o.header = append(o.header, string(s))
		}
	default:
		if decoding {
			luaconv.OptionError(L, fn, "header", "must be true or false, got %s", luaconv.TypeName(h))
		}
		luaconv.OptionError(L, fn, "header", "must be a list of column names, got %s", luaconv.TypeName(h))
	}
	return o, useHeader
}

// record turns a Lua row into cells. Map rows need a header; keys outside it
// are errors so a misspelt column does not silently vanish.
func record(header []string, row lua.LValue, rowNum int) ([]string, error) {
	tb, ok := row.(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("row %d must be a table, got %s", rowNum, luaconv.TypeName(row))
	}
	luaconv.Materialize(tb)
	if tb.Len() == 0 && tb.MaxN() == 0 {
		var names []string
		var badKey lua.LValue = lua.LNil
		tb.ForEach(func(k, _ lua.LValue) {
			if s, ok := k.(lua.LString); ok {
				names = append(names, string(s))
			} else if badKey == lua.LNil {
				badKey = k
			}
		})
		if badKey != lua.LNil {
			return nil, fmt.Errorf("row %d has a %s key; use a list or a map of column names", rowNum, luaconv.TypeName(badKey))
		}
		if len(names) > 0 {
			if header == nil {
				return nil, fmt.Errorf("row %d is a map but no header was given (pass {header={...}})", rowNum)
			}
			return mapRecord(header, tb, names, rowNum)
		}
	}
	n := tb.MaxN()
	out := make([]string, n)
	for i := 1; i <= n; i++ {
		cell, err := cellText(tb.RawGetInt(i))
		if err != nil {
			return nil, fmt.Errorf("row %d column %d %s", rowNum, i, err)
		}
		out[i-1] = cell
	}
	return out, nil
}

func mapRecord(header []string, tb *lua.LTable, names []string, rowNum int) ([]string, error) {
	known := make(map[string]bool, len(header))
	for _, h := range header {
		known[h] = true
	}
	for _, n := range names {
		if !known[n] {
			return nil, fmt.Errorf("row %d has field %q which is not in the header", rowNum, n)
		}
	}
	out := make([]string, len(header))
	for i, h := range header {
		cell, err := cellText(tb.RawGetString(h))
		if err != nil {
			return nil, fmt.Errorf("row %d field %q %s", rowNum, h, err)
		}
		out[i] = cell
	}
	return out, nil
}

func cellText(v lua.LValue) (string, error) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), nil
	case lua.LNumber, lua.LBool:
		return x.String(), nil
	case *lua.LNilType:
		return "", nil
	}
	if luaconv.IsNull(v) {
		return "", nil
	}
	return "", fmt.Errorf("must be a string, number or boolean, got %s", luaconv.TypeName(v))
}

// encode implements csv.encode(rows[, {header, delimiter}]).
func encode(L *lua.LState) int {
	const fn = "csv.encode"
	rows := luaconv.CheckTable(L, fn, 1)
	o, _ := parseOptions(L, fn, 2, false)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Comma = o.comma
	if o.header != nil {
		_ = w.Write(o.header)
	}
	for i := 1; i <= rows.Len(); i++ {
		rec, err := record(o.header, rows.RawGetInt(i), i)
		if err != nil {
			luaconv.Raise(L, fn, "%s", err)
		}
		_ = w.Write(rec) // writes to a bytes.Buffer cannot fail
	}
	w.Flush()
	L.Push(lua.LString(buf.String()))
	return 1
}

// decode implements csv.decode(s[, {header=true, delimiter}]).
func decode(L *lua.LState) int {
	const fn = "csv.decode"
	v := L.Get(1)
	s, ok := v.(lua.LString)
	if !ok {
		luaconv.ArgError(L, fn, 1, "must be a string, got %s", luaconv.TypeName(v))
	}
	o, useHeader := parseOptions(L, fn, 2, true)
	r := csv.NewReader(bytes.NewReader([]byte(s)))
	r.Comma = o.comma
	r.FieldsPerRecord = -1
	out := L.CreateTable(0, 0)
	var header []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			luaconv.Raise(L, fn, "%s", err)
		}
		if useHeader && header == nil {
			header = rec
			continue
		}
		if header != nil {
			if len(rec) > len(header) {
				line, _ := r.FieldPos(0)
				luaconv.Raise(L, fn, "record on line %d has %d fields but the header has %d", line, len(rec), len(header))
			}
			row := L.CreateTable(0, len(header))
			for j, cell := range rec {
				row.RawSetString(header[j], lua.LString(cell))
			}
			out.Append(row)
			continue
		}
		row := L.CreateTable(len(rec), 0)
		for _, cell := range rec {
			row.Append(lua.LString(cell))
		}
		out.Append(row)
	}
	L.Push(out)
	return 1
}
