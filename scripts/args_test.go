package scripts_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/engine"
)

// argsScript parses its arguments with lib/args.lua and prints the result
// as name=value lines.
const argsScript = `
package.path = LIBDIR .. "/?.lua;" .. package.path
local args = require("lib.args")
local opts = args.parse(arg, {
  script = "scripts/t.lua", positional = "[NAME...]",
  options = {
    {"age", "duration", default = "30d"},
    {"keep", "int", default = 2},
    {"jobs", "int", default = 5, range = {1, 100}},
    {"tag", "pattern"},
    {"apply", "boolean"},
    {"project", "list"},
    {"format", "choice", choices = {"table", "json"}, default = "table"},
  },
})
print("age=" .. opts.age, "keep=" .. opts.keep, "jobs=" .. opts.jobs, "tag=" .. tostring(opts.tag), "apply=" .. tostring(opts.apply),
  "project=" .. table.concat(opts.project, "|"), "format=" .. opts.format, "pos=" .. table.concat(opts._, "|"))
`

func runArgs(t *testing.T, args ...string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.lua")
	if err := os.WriteFile(path, []byte(argsScript), 0o644); err != nil {
		t.Fatal(err)
	}
	libDir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	err = engine.RunFile(context.Background(), path, engine.Options{
		Args: args, Stdout: &out, Stderr: &out,
		Setup: func(L *lua.LState) error {
			L.SetGlobal("LIBDIR", lua.LString(libDir))
			return bindings.Setup(L, &bindings.Options{})
		},
	})
	return out.String(), err
}

func TestArgsParsesFlagsAndDefaults(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{nil, "age=2592000\tkeep=2\tjobs=5\ttag=nil\tapply=false\tproject=\tformat=table\tpos="},
		{[]string{"--age", "12h", "--keep=0", "--apply", "a", "b"}, "age=43200\tkeep=0\tjobs=5\ttag=nil\tapply=true\tproject=\tformat=table\tpos=a|b"},
		{[]string{"--project", "x, y", "--project", "z", "--format", "JSON", "--tag", "^v1"}, "age=2592000\tkeep=2\tjobs=5\ttag=^v1\tapply=false\tproject=x|y|z\tformat=json\tpos="},
		{[]string{"--jobs", "1"}, "age=2592000\tkeep=2\tjobs=1\ttag=nil\tapply=false\tproject=\tformat=table\tpos="},
		{[]string{"--jobs=100"}, "age=2592000\tkeep=2\tjobs=100\ttag=nil\tapply=false\tproject=\tformat=table\tpos="},
		{[]string{"--", "--apply"}, "age=2592000\tkeep=2\tjobs=5\ttag=nil\tapply=false\tproject=\tformat=table\tpos=--apply"},
	}
	for _, c := range cases {
		out, err := runArgs(t, c.args...)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if got := strings.TrimSpace(out); got != c.want {
			t.Errorf("%v:\n got %q\nwant %q", c.args, got, c.want)
		}
	}
}

func TestArgsRejectsBadInputWithUsage(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--nope"}, "scripts/t.lua: unknown option --nope"},
		{[]string{"--keep"}, "--keep needs a value"},
		{[]string{"--keep", "1.5"}, `--keep must be a non-negative integer, got "1.5"`},
		{[]string{"--age", "-3d"}, `--age must be a positive age such as 90d, 12h or 2w, got "-3d"`},
		{[]string{"--tag", "a("}, `--tag is not a valid regular expression: "a("`},
		{[]string{"--apply=yes"}, "--apply takes no value"},
		{[]string{"--format", "xml"}, `--format must be one of table, json, got "xml"`},
		{[]string{"--keep", "1", "--keep", "2"}, "--keep given twice"},
		{[]string{"--age", ""}, "--age needs a non-empty value"},
		{[]string{"--jobs", "0"}, "--jobs must be between 1 and 100, got 0"},
		{[]string{"--jobs", "101"}, "--jobs must be between 1 and 100, got 101"},
	}
	for _, c := range cases {
		_, err := runArgs(t, c.args...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, "usage: harborscript run scripts/t.lua [NAME...] [options]") {
			t.Errorf("%v: error %q lacks %q or the usage", c.args, msg, c.want)
		}
		var se *engine.ScriptError
		if errors.As(err, &se) && !strings.HasSuffix(se.File, "t.lua") {
			t.Errorf("%v: error blames %s, want the script", c.args, se.File)
		}
	}
}

func TestArgsHelpPrintsUsageAndExitsZero(t *testing.T) {
	out, err := runArgs(t, "--help")
	var exit *engine.ExitError
	if !errors.As(err, &exit) || exit.Code != 0 {
		t.Fatalf("--help: err = %v, want exit 0", err)
	}
	for _, want := range []string{"usage: harborscript run scripts/t.lua", "--age AGE", "(default 30d)", "--format NAME", "(one of table, json)", "--apply "} {
		if !strings.Contains(out, want) {
			t.Errorf("--help output lacks %q:\n%s", want, out)
		}
	}
}
