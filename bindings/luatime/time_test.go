package luatime

import (
	"context"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

var pinned = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func run(t *testing.T, src string) error {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	PreloadWith(L, Config{Now: func() time.Time { return pinned }})
	return L.DoString(`local time = require("time")` + "\n" + src)
}

func TestParseFormat(t *testing.T) {
	err := run(t, `
		local t = time.parse("2026-11-28T08:10:20.915Z")
		assert(math.abs(t - 1795853420.915) < 1e-6, t)
		assert(time.parse("2026-11-28T08:10:20Z") == 1795853420)
		assert(time.parse("2026-11-28T09:10:20+01:00") == 1795853420)
		assert(time.parse("0001-01-01T00:00:00.000Z") == nil, "zero time means never")
		assert(time.parse("2026-11-28", "date") == 1795824000)
		assert(time.parse("28/11/2026", "02/01/2006") == 1795824000)
		assert(time.parse(42) == 42)
		assert(time.format(1795853420) == "2026-11-28T08:10:20Z", time.format(1795853420))
		assert(time.format(1795853420.915, "harbor") == "2026-11-28T08:10:20.915Z", time.format(1795853420.915, "harbor"))
		assert(time.format(1795853420, "date") == "2026-11-28")
		assert(time.format(1795853420, "datetime") == "2026-11-28 08:10:20")
		assert(time.format(1795853420, "Jan 2") == "Nov 28")
		assert(time.now() == time.parse("2026-12-01T00:00:00Z"))
	`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestDurationsAndAges(t *testing.T) {
	err := run(t, `
		assert(time.duration("30d") == 30*86400)
		assert(time.duration("1w2d") == 9*86400)
		assert(time.duration("1h30m") == 5400)
		assert(time.duration("1.5h") == 5400)
		assert(time.duration("-2s") == -2)
		assert(time.duration("500ms") == 0.5)
		assert(time.duration(12) == 12)
		assert(time.duration("0") == 0)
		assert(time.since("2026-11-30T00:00:00Z") == 86400)
		assert(time.remaining("2026-12-03T00:00:00Z") == 2*86400)
		assert(time["until"]("2026-12-02T00:00:00Z") == 86400)
		assert(time.since(time.now() - 5) == 5)
		assert(time.older_than("2026-10-01T00:00:00.000Z", "30d"))
		assert(not time.older_than("2026-11-28T08:10:20.915Z", "30d"))
		assert(time.older_than("0001-01-01T00:00:00.000Z", "3650d"), "never pulled is older than any age")
		assert(time.older_than(0, 86400))
		local c1 = time.clock()
		local c2 = time.clock()
		assert(c2 >= c1 and c1 >= 0)
	`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestTimeErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`time.parse("yesterday")`, `time.parse: cannot parse "yesterday" as rfc3339 (2006-01-02T15:04:05Z07:00)`},
		{`time.parse("2026", "01/02")`, `time.parse: cannot parse "2026" as layout "01/02"`},
		{`time.parse({})`, "time.parse: argument #1 must be a string, got table"},
		{`time.format("x")`, "time.format: argument #1 must be a number, got string"},
		{`time.format(0/0)`, "time.format: argument #1 must be a finite number of seconds"},
		{`time.duration("30x")`, `time.duration: argument #1 invalid duration "30x": unknown unit "x"`},
		{`time.duration("30")`, `time.duration: argument #1 invalid duration "30": missing unit`},
		{`time.duration("d")`, `time.duration: argument #1 invalid duration "d": expected a number at "d"`},
		{`time.duration("1.2.3s")`, `time.duration: argument #1 invalid duration "1.2.3s": bad number "1.2.3"`},
		{`time.duration("")`, `time.duration: argument #1 invalid duration "": empty`},
		{`time.duration(true)`, `time.duration: argument #1 must be seconds or a duration string like "30d", got boolean`},
		{`time.older_than("2026-13-01", "1d")`, `time.older_than: argument #1 is not an RFC 3339 timestamp: "2026-13-01"`},
		{`time.older_than(nil, "1d")`, "time.older_than: argument #1 must be Unix seconds or a timestamp string, got nil"},
		{`time.older_than(0, "1y")`, `time.older_than: argument #2 invalid duration "1y": unknown unit "y"`},
		{`time.since({})`, "time.since: argument #1 must be Unix seconds"},
		{`time.remaining(true)`, "time.remaining: argument #1 must be Unix seconds"},
		{`time.sleep(-1)`, "time.sleep: argument #1 must be a non-negative number of seconds, got -1"},
		{`time.sleep("1")`, "time.sleep: argument #1 must be a number, got string"},
	}
	for _, c := range cases {
		err := run(t, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.src, err, c.want)
		}
	}
}

func TestSleepIsInterruptedByCancel(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	Preload(L)
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := L.DoString(`require("time").sleep(30)`)
	if err == nil || !strings.Contains(err.Error(), "time.sleep: interrupted") {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("sleep was not interrupted promptly: %v", d)
	}
}

func TestSleepWaits(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	Preload(L)
	start := time.Now()
	if err := L.DoString(`require("time").sleep(0.05)`); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("slept only %v", d)
	}
}
