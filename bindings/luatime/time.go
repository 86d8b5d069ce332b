// Package luatime is the Lua "time" module: clocks, interruptible sleep, and Harbor timestamp parsing and ages.
// Times are Unix seconds as numbers so scripts can compare and subtract them directly.
package luatime

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// Config customises the module for one state.
type Config struct {
	// Now replaces the wall clock, so tests can pin ages; nil uses time.Now.
	Now func() time.Time
}

// Preload makes require("time") available in L with the real clock.
func Preload(L *lua.LState) { PreloadWith(L, Config{}) }

// PreloadWith makes require("time") available in L with cfg.
func PreloadWith(L *lua.LState, cfg Config) {
	L.PreloadModule("time", func(L *lua.LState) int { return load(L, cfg) })
}

// Loader builds the module table with the real clock.
func Loader(L *lua.LState) int { return load(L, Config{}) }

// Named layouts accepted by parse and format besides Go layout strings.
var layouts = map[string]string{
	"rfc3339":     time.RFC3339,
	"rfc3339nano": time.RFC3339Nano,
	"harbor":      "2006-01-02T15:04:05.000Z07:00",
	"date":        time.DateOnly,
	"datetime":    time.DateTime,
}

// processStart anchors time.clock so it counts from a fixed point in this process.
var processStart = time.Now()

func load(L *lua.LState, cfg Config) int {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	m := &module{now: now}
	L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"now":        m.nowFn,
		"clock":      clock,
		"sleep":      sleep,
		"parse":      parse,
		"format":     format,
		"duration":   duration,
		"since":      m.since,
		"until":      m.until, // a Lua keyword: reachable as time["until"]
		"remaining":  m.until,
		"older_than": m.olderThan,
	}))
	return 1
}

type module struct{ now func() time.Time }

func unix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

func fromUnix(sec float64) time.Time {
	// A float64 near today's Unix time holds about 0.2 µs of precision, so
	// rounding to whole microseconds undoes representation error such as
	// .915 being stored as .91499996.
	us := math.Round(sec * 1e6)
	return time.UnixMicro(int64(us)).UTC()
}

func (m *module) nowFn(L *lua.LState) int {
	L.Push(lua.LNumber(unix(m.now())))
	return 1
}

func clock(L *lua.LState) int {
	L.Push(lua.LNumber(time.Since(processStart).Seconds()))
	return 1
}

// sleep waits, returning early with an "interrupted" error when the run is cancelled.
func sleep(L *lua.LState) int {
	const fn = "time.sleep"
	sec := luaconv.CheckNumber(L, fn, 1)
	if sec < 0 || math.IsNaN(sec) || math.IsInf(sec, 0) {
		luaconv.ArgError(L, fn, 1, "must be a non-negative number of seconds, got %s", lua.LNumber(sec).String())
	}
	ctx := L.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	timer := time.NewTimer(time.Duration(sec * float64(time.Second)))
	defer timer.Stop()
	select {
	case <-timer.C:
		return 0
	case <-ctx.Done():
		luaconv.Raise(L, fn, "interrupted")
		return 0
	}
}

func layoutArg(L *lua.LState, fn string, n int) (string, string) {
	name := luaconv.OptString(L, fn, n, "rfc3339")
	if l, ok := layouts[strings.ToLower(name)]; ok {
		return name, l
	}
	return name, name
}

// parseTime turns a timestamp into Unix seconds; zero reports Go's zero time,
// which Harbor sends as "0001-01-01T00:00:00.000Z" to mean "never".
func parseTime(s, layout string) (sec float64, zero bool, err error) {
	t, err := time.Parse(layout, s)
	if err != nil {
		return 0, false, err
	}
	if t.IsZero() {
		return 0, true, nil
	}
	return unix(t), false, nil
}

// parse returns Unix seconds, or nil for Harbor's zero time ("never").
func parse(L *lua.LState) int {
	const fn = "time.parse"
	if n, ok := L.Get(1).(lua.LNumber); ok {
		L.Push(n)
		return 1
	}
	s := luaconv.CheckString(L, fn, 1)
	name, layout := layoutArg(L, fn, 2)
	sec, zero, err := parseTime(s, layout)
	if err != nil {
		luaconv.Raise(L, fn, "cannot parse %q as %s", s, describeLayout(name, layout))
	}
	if zero {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LNumber(sec))
	return 1
}

func describeLayout(name, layout string) string {
	if name == layout {
		return fmt.Sprintf("layout %q", layout)
	}
	return fmt.Sprintf("%s (%s)", name, layout)
}

// format renders Unix seconds in UTC.
func format(L *lua.LState) int {
	const fn = "time.format"
	sec := luaconv.CheckNumber(L, fn, 1)
	if math.IsNaN(sec) || math.IsInf(sec, 0) {
		luaconv.ArgError(L, fn, 1, "must be a finite number of seconds, got %s", lua.LNumber(sec).String())
	}
	_, layout := layoutArg(L, fn, 2)
	L.Push(lua.LString(fromUnix(sec).Format(layout)))
	return 1
}

func duration(L *lua.LState) int {
	L.Push(lua.LNumber(checkDuration(L, "time.duration", 1)))
	return 1
}

// checkDuration accepts seconds as a number or a duration string.
func checkDuration(L *lua.LState, fn string, n int) float64 {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		return float64(v)
	case lua.LString:
		sec, err := parseDuration(string(v))
		if err != nil {
			luaconv.ArgError(L, fn, n, "%s", err.Error())
		}
		return sec
	default:
		luaconv.ArgError(L, fn, n, "must be seconds or a duration string like \"30d\", got %s", luaconv.TypeName(v))
		return 0
	}
}

// checkTime accepts Unix seconds or a timestamp string; zero reports Harbor's "never".
func checkTime(L *lua.LState, fn string, n int) (sec float64, zero bool) {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		return float64(v), false
	case lua.LString:
		sec, zero, err := parseTime(string(v), time.RFC3339)
		if err != nil {
			luaconv.ArgError(L, fn, n, "is not an RFC 3339 timestamp: %q", string(v))
		}
		return sec, zero
	default:
		luaconv.ArgError(L, fn, n, "must be Unix seconds or a timestamp string, got %s", luaconv.TypeName(v))
		return 0, false
	}
}

func zeroUnix() float64 { return float64(time.Time{}.Unix()) }

func (m *module) since(L *lua.LState) int {
	sec, zero := checkTime(L, "time.since", 1)
	if zero {
		sec = zeroUnix()
	}
	L.Push(lua.LNumber(unix(m.now()) - sec))
	return 1
}

func (m *module) until(L *lua.LState) int {
	sec, zero := checkTime(L, "time.remaining", 1)
	if zero {
		sec = zeroUnix()
	}
	L.Push(lua.LNumber(sec - unix(m.now())))
	return 1
}

// olderThan treats Harbor's zero time ("never pulled") as older than any age,
// which is what retention scripts mean by "not pulled for 30 days".
func (m *module) olderThan(L *lua.LState) int {
	const fn = "time.older_than"
	sec, zero := checkTime(L, fn, 1)
	age := checkDuration(L, fn, 2)
	L.Push(lua.LBool(zero || unix(m.now())-sec > age))
	return 1
}
