package luatime

import "github.com/harborscript/harborscript/bindings/luadoc"

// Doc documents the "time" module.
func Doc() []luadoc.Module {
	ts := luadoc.Param{Name: "t", Type: "number or string", Summary: "Unix seconds, or an RFC 3339 timestamp as Harbor sends them."}
	dur := luadoc.Param{Name: "age", Type: "number or string", Summary: "Seconds, or a duration like `30d`, `1w2d`, `1h30m`, `1.5h` (d is 24 hours, w is 7 days)."}
	layout := luadoc.Param{Name: "layout", Type: "string", Default: `"rfc3339"`, Summary: "`rfc3339`, `rfc3339nano`, `harbor` (milliseconds, as Harbor writes), `date`, `datetime`, or a Go layout string."}
	return []luadoc.Module{{
		Name:    "time",
		Kind:    luadoc.KindModule,
		Summary: "Clocks, sleeping, and Harbor's timestamps. Times are Unix seconds as numbers, so they compare and subtract directly.",
		Text: "Harbor writes `0001-01-01T00:00:00.000Z` for \"never\" (an artifact never pulled, a robot that never expires): " +
			"`time.parse` returns nil for it, and `time.older_than` counts it as older than any age. " +
			"`until` is a Lua keyword, so that function is reached as `time[\"until\"]` or by its other name `time.remaining`.",
		Functions: []luadoc.Func{
			{Name: "now", Signature: "time.now()", Summary: "The current time.", Returns: "Unix seconds (with fractions)."},
			{Name: "clock", Signature: "time.clock()", Summary: "Seconds since the process started, for measuring durations.", Returns: "a number."},
			{Name: "sleep", Signature: "time.sleep(seconds)", Summary: "Waits; a cancelled run (Ctrl-C, `--timeout`) interrupts it with an error."},
			{Name: "parse", Signature: "time.parse(s[, layout])", Summary: "Reads a timestamp (a number is returned as is).", Params: []luadoc.Param{{Name: "s", Type: "string", Summary: "The timestamp."}, layout},
				Returns: "Unix seconds, or nil for Harbor's zero time.",
				Example: `local time = require("time")
print(time.parse("2024-03-01T12:00:00Z"))            --> 1709294400
print(time.parse("0001-01-01T00:00:00.000Z"))        --> nil (never)
print(time.parse("2024-03-01", "date"))`},
			{Name: "format", Signature: "time.format(t[, layout])", Summary: "Renders Unix seconds in UTC.", Params: []luadoc.Param{{Name: "t", Type: "number", Summary: "Unix seconds."}, layout}, Returns: "a string."},
			{Name: "duration", Signature: "time.duration(age)", Summary: "Converts a duration to seconds.", Params: []luadoc.Param{dur}, Returns: "a number.",
				Example: `local time = require("time")
assert(time.duration("1w") == 7 * 86400 and time.duration("1h30m") == 5400)`},
			{Name: "since", Signature: "time.since(t)", Summary: "Seconds elapsed since t.", Params: []luadoc.Param{ts}, Returns: "a number."},
			{Name: "until", Signature: `time["until"](t)`, Summary: "Seconds left until t (negative when past). The same function as `time.remaining`.", Params: []luadoc.Param{ts}, Returns: "a number."},
			{Name: "remaining", Signature: "time.remaining(t)", Summary: "Seconds left until t, e.g. before a robot expires.", Params: []luadoc.Param{ts}, Returns: "a number."},
			{Name: "older_than", Signature: "time.older_than(t, age)", Summary: "Whether t lies more than age in the past; Harbor's zero time (\"never\") is older than any age.", Params: []luadoc.Param{ts, dur}, Returns: "a boolean.",
				Example: `local api, time = require("harbor.ext.api"), require("time")
for _, info in ipairs(api.get_artifacts{projects = {"legacy"}}) do
  if time.older_than(info.artifact.pull_time, "90d") then print("stale:", info.name_with_tag) end
end`},
		},
	}}
}
