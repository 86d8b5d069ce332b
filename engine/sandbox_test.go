package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

func TestSandboxDeniesProcessesAndOutsideWrites(t *testing.T) {
	inside := t.TempDir()
	outside := t.TempDir()
	readable := writeScript(t, outside, "data.txt", "readable")
	victim := writeScript(t, outside, "victim.txt", "keep me")
	opts := Options{Sandbox: &Sandbox{WriteDir: inside}, Args: []string{inside, outside, readable, victim}}

	denied := map[string]string{
		"os.execute":         `os.execute("true")`,
		"io.popen":           `io.popen("echo hi")`,
		"io.tmpfile":         `io.tmpfile()`,
		"package.loadlib":    `package.loadlib("x.so", "f")`,
		"write outside":      `io.open(arg[2] .. "/new.txt", "w")`,
		"append outside":     `io.open(arg[4], "a")`,
		"update outside":     `io.open(arg[4], "r+")`,
		"io.output outside":  `io.output(arg[2] .. "/out.txt")`,
		"remove outside":     `os.remove(arg[4])`,
		"rename out of":      `os.rename(arg[4], arg[1] .. "/stolen.txt")`,
		"rename into":        `os.rename(arg[1] .. "/x", arg[2] .. "/x")`,
		"dot-dot escape":     `io.open(arg[1] .. "/../escape.txt", "w")`,
		"relative elsewhere": `io.open("relative.txt", "w")`,
	}
	for name, code := range denied {
		_, err := runCode(t, code, opts)
		se := scriptError(t, err)
		if !strings.Contains(se.Message, "sandbox") {
			t.Errorf("%s: got %q", name, se.Message)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Fatalf("file outside the sandbox changed: %q", b)
	}
	if _, err := os.Stat(filepath.Join(outside, "new.txt")); err == nil {
		t.Fatal("a file was created outside the sandbox")
	}

	out, err := runCode(t, `
		local f = assert(io.open(arg[1] .. "/report.txt", "w"))
		f:write("written")
		f:close()
		assert(os.rename(arg[1] .. "/report.txt", arg[1] .. "/final.txt"))
		print(io.open(arg[1] .. "/final.txt"):read("*a"))
		print(io.open(arg[3]):read("*a"))
		for line in io.lines(arg[3]) do print(line) end
		assert(os.remove(arg[1] .. "/final.txt"))
		print(os.exit ~= nil)
	`, opts)
	if err != nil {
		t.Fatal(err)
	}
	if out != "written\nreadable\nreadable\ntrue\n" {
		t.Fatalf("got %q", out)
	}
}

func TestSandboxFollowsSymlinks(t *testing.T) {
	inside := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(inside, "link")); err != nil {
		t.Skip("symlinks unavailable:", err)
	}
	_, err := runCode(t, `io.open(arg[1] .. "/link/planted.txt", "w")`, Options{Sandbox: &Sandbox{WriteDir: inside}, Args: []string{inside}})
	se := scriptError(t, err)
	if !strings.Contains(se.Message, "outside the sandbox") {
		t.Fatalf("got %q", se.Message)
	}
}

func TestSandboxWithoutWriteDirDeniesAllWrites(t *testing.T) {
	dir := t.TempDir()
	_, err := runCode(t, `io.open(arg[1] .. "/a.txt", "w")`, Options{Sandbox: &Sandbox{}, Args: []string{dir}})
	se := scriptError(t, err)
	if !strings.Contains(se.Message, "allows no writes") {
		t.Fatalf("got %q", se.Message)
	}
}

func TestSandboxRejectsMissingWriteDir(t *testing.T) {
	_, err := runCode(t, `print(1)`, Options{Sandbox: &Sandbox{WriteDir: "/nonexistent/sandbox/dir"}})
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/sandbox/dir") {
		t.Fatalf("got %v", err)
	}
}

func TestCheckWriteForModules(t *testing.T) {
	inside := t.TempDir()
	var verdicts []string
	setup := func(L *lua.LState) error {
		L.SetGlobal("may_write", L.NewFunction(func(L *lua.LState) int {
			if err := CheckWrite(L, L.CheckString(1)); err != nil {
				verdicts = append(verdicts, "denied")
			} else {
				verdicts = append(verdicts, "allowed")
			}
			return 0
		}))
		return nil
	}
	code := `may_write(arg[1] .. "/ok.csv") may_write("/etc/passwd")`
	if _, err := runCode(t, code, Options{Setup: setup, Sandbox: &Sandbox{WriteDir: inside}, Args: []string{inside}}); err != nil {
		t.Fatal(err)
	}
	if _, err := runCode(t, code, Options{Setup: setup, Args: []string{inside}}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(verdicts, ","); got != "allowed,denied,allowed,allowed" {
		t.Fatalf("got %s", got)
	}
}

func TestWithoutSandboxEverythingIsAvailable(t *testing.T) {
	out, err := runCode(t, `print(type(os.execute), type(io.popen))`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out != "function\tfunction\n" {
		t.Fatalf("got %q", out)
	}
}
