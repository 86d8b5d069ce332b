package luacsv

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

func run(t *testing.T, src string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	L := lua.NewState()
	defer L.Close()
	PreloadWith(L, Config{Stdout: &out})
	L.SetGlobal("null", luaconv.Null)
	L.SetGlobal("dir", lua.LString(t.TempDir()))
	err := L.DoString(`local csv = require("csv")` + "\n" + src)
	return out.String(), err
}

func TestWriterToStdout(t *testing.T) {
	out, err := run(t, `
		local w = csv.writer(nil, {header={"name","tag","size"}})
		w:write({name="alpine", tag="3.19", size=7340032})
		w:write({"busybox", "latest", 1.5})
		w:write_all({{name='say "hi", ok'}, {name="nulls", tag=null}})
		w:close()
		local w2 = csv.writer("-", {delimiter=";"})
		w2:write({"a;b", true, nil, "c"})
		w2:close()
	`)
	if err != nil {
		t.Fatal(err)
	}
	want := "name,tag,size\nalpine,3.19,7340032\nbusybox,latest,1.5\n\"say \"\"hi\"\", ok\",,\nnulls,,\n\"a;b\";true;;c\n"
	if out != want {
		t.Fatalf("got:\n%q\nwant:\n%q", out, want)
	}
}

func TestWriterToFile(t *testing.T) {
	dir := t.TempDir()
	L := lua.NewState()
	defer L.Close()
	Preload(L)
	path := filepath.Join(dir, "report.csv")
	L.SetGlobal("path", lua.LString(path))
	err := L.DoString(`
		local w = require("csv").writer(path, {header={"repo"}})
		w:write({repo="library/alpine"})
	`)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != "repo\nlibrary/alpine\n" {
		t.Fatalf("rows written before close must already be in the file, got %q", data)
	}
}

func TestEncodeDecode(t *testing.T) {
	_, err := run(t, `
		local s = csv.encode({{"a","b"},{1,"x,y"}})
		assert(s == 'a,b\n1,"x,y"\n', s)
		local h = csv.encode({{name="n1"}}, {header={"name","tag"}})
		assert(h == "name,tag\nn1,\n", h)
		local rows = csv.decode('a,b\n1,"x,y"\n')
		assert(#rows == 2 and rows[2][2] == "x,y")
		local maps = csv.decode("name,tag\nalpine,3.19\nbusybox\n", {header=true})
		assert(#maps == 2 and maps[1].name == "alpine" and maps[1].tag == "3.19" and maps[2].tag == nil)
		local semi = csv.decode("a;b\n", {delimiter=";"})
		assert(semi[1][2] == "b")
		assert(#csv.decode("") == 0)
	`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestCSVErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`csv.encode("x")`, "csv.encode: argument #1 must be a table, got string"},
		{`csv.encode({{"a", {}}})`, "csv.encode: row 1 column 2 must be a string, number or boolean, got table"},
		{`csv.encode({{"a"}, "b"})`, "csv.encode: row 2 must be a table, got string"},
		{`csv.encode({{name="x"}})`, "csv.encode: row 1 is a map but no header was given"},
		{`csv.encode({{nmae="x"}}, {header={"name"}})`, `csv.encode: row 1 has field "nmae" which is not in the header`},
		{`csv.encode({{name=print}}, {header={"name"}})`, `csv.encode: row 1 field "name" must be a string, number or boolean, got function`},
		{`csv.encode({{[true]=1}})`, "csv.encode: row 1 has a boolean key"},
		{`csv.encode({}, {header="name"})`, `csv.encode: option "header" must be a list of column names, got string`},
		{`csv.encode({}, {header={1}})`, `csv.encode: option "header" entry 1 must be a string, got number`},
		{`csv.encode({}, {delimiter="ab"})`, `csv.encode: option "delimiter" must be a single character other than a quote or newline, got "ab"`},
		{`csv.decode(1)`, "csv.decode: argument #1 must be a string, got number"},
		{`csv.decode("a\n", {header={"a"}})`, `csv.decode: option "header" must be true or false, got table`},
		{`csv.decode('a,"b\n')`, "csv.decode: parse error on line 1, column 6: extraneous or missing \" in quoted-field"},
		{`csv.decode("a\n1,2\n", {header=true})`, "csv.decode: record on line 2 has 2 fields but the header has 1"},
		{`csv.writer(dir .. "/missing/x.csv")`, "csv.writer: cannot create the file: open "},
		{`csv.writer({})`, "csv.writer: argument #1 must be a string, got table"},
		{`local w = csv.writer() w:close() w:write({"a"})`, "csv.Writer:write: writer for stdout is closed"},
		{`local w = csv.writer() w.write({"a"})`, "csv.Writer:write: must be called on a csv writer (use w:write(...)), got table"},
		{`csv.writer():write_all("x")`, "csv.Writer:write_all: argument #2 must be a table, got string"},
		{`csv.writer():write({{}})`, "csv.Writer:write: row 1 column 1 must be a string, number or boolean, got table"},
	}
	for _, c := range cases {
		_, err := run(t, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.src, err, c.want)
		}
	}
}
