// Package lualog is the Lua "log" module: levelled log lines with fields, as text or JSON, through log/slog.
// Secrets listed in the configuration are masked in messages and field values before anything is written.
package lualog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// Config sets up the module for one state.
type Config struct {
	// Level is the lowest level written: debug, info (default), warn or error.
	Level string
	// Format is "text" (default) or "json" (one object per line).
	Format string
	// Out receives the lines; nil means os.Stderr.
	Out io.Writer
	// Redact lists secrets replaced by [REDACTED] wherever they appear.
	Redact []string
	// Now replaces the clock, for reproducible output in tests.
	Now func() time.Time
}

// Redacted is what a secret is replaced with.
const Redacted = "[REDACTED]"

// Preload makes require("log") available with defaults (info, text, stderr).
func Preload(L *lua.LState) {
	if err := PreloadWith(L, Config{}); err != nil {
		panic(err) // unreachable: the defaults are valid
	}
}

// PreloadWith makes require("log") available with cfg; a bad level or format is an error.
func PreloadWith(L *lua.LState, cfg Config) error {
	lg, err := newLogger(cfg)
	if err != nil {
		return err
	}
	L.PreloadModule("log", func(L *lua.LState) int { return lg.load(L) })
	return nil
}

// Loader builds the module table with defaults.
func Loader(L *lua.LState) int {
	lg, _ := newLogger(Config{})
	return lg.load(L)
}

type logger struct {
	handler slog.Handler
	now     func() time.Time
	redact  *strings.Replacer
}

// ParseLevel reads a level name as accepted in Config.Level.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "", "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("log level %q is not one of debug, info, warn, error", s)
}

func newLogger(cfg Config) (*logger, error) {
	level, err := ParseLevel(cfg.Level)
	if err != nil {
		return nil, err
	}
	out := cfg.Out
	if out == nil {
		out = os.Stderr
	}
	lg := &logger{now: cfg.Now}
	if lg.now == nil {
		lg.now = time.Now
	}
	var pairs []string
	// Longest first, so a secret that contains another is masked whole.
	secrets := append([]string(nil), cfg.Redact...)
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, Redacted)
		}
	}
	if len(pairs) > 0 {
		lg.redact = strings.NewReplacer(pairs...)
	}
	switch strings.ToLower(cfg.Format) {
	case "", "text":
		lg.handler = &textHandler{out: out, level: level}
	case "json":
		lg.handler = slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level, ReplaceAttr: utcTime})
	default:
		return nil, fmt.Errorf("log format %q is not one of text, json", cfg.Format)
	}
	return lg, nil
}

func utcTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
		return slog.String(slog.TimeKey, a.Value.Time().UTC().Format(time.RFC3339))
	}
	return a
}

func (lg *logger) load(L *lua.LState) int {
	funcs := map[string]lua.LGFunction{}
	for name, level := range map[string]slog.Level{
		"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError,
	} {
		fn, level := "log."+name, level
		funcs[name] = func(L *lua.LState) int { return lg.log(L, fn, level) }
	}
	L.Push(L.SetFuncs(L.NewTable(), funcs))
	return 1
}

func (lg *logger) log(L *lua.LState, fn string, level slog.Level) int {
	msg := luaconv.CheckString(L, fn, 1)
	fields := luaconv.OptTable(L, fn, 2)
	ctx := context.Background()
	if !lg.handler.Enabled(ctx, level) {
		return 0
	}
	rec := slog.NewRecord(lg.now(), level, lg.mask(msg), 0)
	if fields != nil {
		var keys []string
		vals := map[string]lua.LValue{}
		luaconv.Materialize(fields)
		fields.ForEach(func(k, v lua.LValue) {
			ks, ok := k.(lua.LString)
			if !ok {
				luaconv.ArgError(L, fn, 2, "must map field names to values, got a %s key", luaconv.TypeName(k))
			}
			keys = append(keys, string(ks))
			vals[string(ks)] = v
		})
		sort.Strings(keys)
		for _, k := range keys {
			v, err := luaconv.FromLua(vals[k], luaconv.Root("fields"+fieldPath(k)))
			if err != nil {
				luaconv.Raise(L, fn, "%s", err)
			}
			rec.AddAttrs(slog.Any(lg.mask(k), lg.maskValue(v)))
		}
	}
	if err := lg.handler.Handle(ctx, rec); err != nil {
		luaconv.Raise(L, fn, "cannot write log line: %s", err)
	}
	return 0
}

func fieldPath(k string) string {
	for i, c := range k {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return fmt.Sprintf("[%q]", k)
		}
	}
	return "." + k
}

func (lg *logger) mask(s string) string {
	if lg.redact == nil {
		return s
	}
	return lg.redact.Replace(s)
}

func (lg *logger) maskValue(v any) any {
	switch x := v.(type) {
	case string:
		return lg.mask(x)
	case []any:
		for i := range x {
			x[i] = lg.maskValue(x[i])
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[lg.mask(k)] = lg.maskValue(e)
		}
		return out
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return fmt.Sprint(x)
		}
	}
	return v
}
