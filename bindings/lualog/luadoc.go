package lualog

import "github.com/harborscript/harborscript/bindings/luadoc"

// Doc documents the "log" module.
func Doc() []luadoc.Module {
	fields := []luadoc.Param{
		{Name: "msg", Type: "string", Summary: "The message."},
		{Name: "fields", Type: "table", Summary: "Key/value pairs written with the line, keys sorted."},
	}
	level := func(name, what string) luadoc.Func {
		return luadoc.Func{Name: name, Signature: "log." + name + "(msg[, fields])", Summary: "Writes a line at level " + what + ".", Params: fields}
	}
	f := level("info", "info")
	f.Example = `local log = require("log")
log.info("cleanup planned", {project = "library", artifacts = 3})
log.debug("not shown unless --log-level debug")`
	return []luadoc.Module{{
		Name:    "log",
		Kind:    luadoc.KindModule,
		Summary: "Levelled log lines on stderr, as text or JSON lines (`--log-level`, `--log-format`).",
		Text: "The secrets the runner knows (passwords, robot secrets, the base64 credentials) are replaced by `[REDACTED]` wherever " +
			"they occur in a message, a field name or a field value: matching is by substring, so a secret is masked even inside a URL " +
			"or a longer string. Lines below the configured level (default info) are dropped.",
		Functions: []luadoc.Func{level("debug", "debug"), f, level("warn", "warn"), level("error", "error")},
	}}
}
