package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// sandboxRoot is the resolved WriteDir of a sandboxed state, or "" when
// the sandbox forbids every write.
type sandboxRoot struct{ dir string }

var errNoWriteDir = errors.New("the sandbox allows no writes")

func installSandbox(L *lua.LState, sb *Sandbox) error {
	root := &sandboxRoot{}
	if sb.WriteDir != "" {
		dir, err := filepath.Abs(sb.WriteDir)
		if err != nil {
			return fmt.Errorf("sandbox write directory %q: %w", sb.WriteDir, err)
		}
		if dir, err = filepath.EvalSymlinks(dir); err != nil {
			return fmt.Errorf("sandbox write directory %q: %w", sb.WriteDir, err)
		}
		root.dir = dir
	}
	if s := sessionOf(L); s != nil {
		s.sandbox = root
	}

	denied := func(name string) lua.LValue {
		return L.NewFunction(func(L *lua.LState) int {
			L.RaiseError("%s is not allowed in the sandbox", name)
			return 0
		})
	}
	oslib, _ := L.GetGlobal("os").(*lua.LTable)
	iolib, _ := L.GetGlobal("io").(*lua.LTable)
	pkg, _ := L.GetGlobal("package").(*lua.LTable)
	if oslib == nil || iolib == nil {
		return errors.New("sandbox: the os and io libraries must be open")
	}
	oslib.RawSetString("execute", denied("os.execute"))
	iolib.RawSetString("popen", denied("io.popen"))
	iolib.RawSetString("tmpfile", denied("io.tmpfile"))
	if pkg != nil {
		pkg.RawSetString("loadlib", denied("package.loadlib"))
	}

	origRemove := oslib.RawGetString("remove")
	origRename := oslib.RawGetString("rename")
	origOpen := iolib.RawGetString("open")
	// Each guard checks the paths and then calls the original with the
	// same arguments, so results and error returns stay those of Lua.
	guard := func(name string, orig lua.LValue, pathArgs ...int) *lua.LFunction {
		return L.NewFunction(func(L *lua.LState) int {
			for _, i := range pathArgs {
				p := L.CheckString(i)
				if err := root.allows(p); err != nil {
					L.RaiseError("%s: %v", name, err)
				}
			}
			return forward(L, orig)
		})
	}
	oslib.RawSetString("remove", guard("os.remove", origRemove, 1))
	oslib.RawSetString("rename", guard("os.rename", origRename, 1, 2))
	guardedOpen := guard("io.open", origOpen, 1)
	iolib.RawSetString("open", L.NewFunction(func(L *lua.LState) int {
		mode := L.OptString(2, "r")
		if strings.ContainsAny(mode, "wa+") {
			return guardedOpen.GFunction(L)
		}
		return forward(L, origOpen)
	}))
	return nil
}

// forward calls fn with the current function's arguments and returns all
// of its results.
func forward(L *lua.LState, fn lua.LValue) int {
	top := L.GetTop()
	L.Push(fn)
	for i := 1; i <= top; i++ {
		L.Push(L.Get(i))
	}
	L.Call(top, lua.MultRet)
	return L.GetTop() - top
}

// allows reports whether path lies inside the write directory, after
// resolving symbolic links so that a link cannot lead a write outside it.
func (r *sandboxRoot) allows(path string) error {
	if r.dir == "" {
		return errNoWriteDir
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("%q: %w", path, err)
	}
	resolved, err := resolveExisting(abs)
	if err != nil {
		return fmt.Errorf("%q: %w", path, err)
	}
	rel, err := filepath.Rel(r.dir, resolved)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("%q is outside the sandbox write directory %s", path, r.dir)
	}
	return nil
}

// resolveExisting resolves symbolic links in the longest existing prefix of
// abs and appends the rest unchanged.
func resolveExisting(abs string) (string, error) {
	rest := ""
	cur := abs
	for {
		resolved, err := filepath.EvalSymlinks(cur)
		if err == nil {
			return filepath.Join(resolved, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// CheckWrite tells a Go function called from Lua whether the run's sandbox
// lets it write to path; nil means allowed (always, without a sandbox).
// Modules that write files call it before writing.
func CheckWrite(L *lua.LState, path string) error {
	s := sessionOf(L)
	if s == nil || s.sandbox == nil {
		return nil
	}
	return s.sandbox.allows(path)
}
