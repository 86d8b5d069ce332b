package catalog

import "github.com/harborscript/harborscript/bindings/luadoc"

// Globals documents the variables the runner sets before a script starts.
func Globals() luadoc.Module {
	return luadoc.Module{
		Name:    "globals",
		Kind:    luadoc.KindGlobals,
		Summary: "Variables `harborscript run` and `harborscript schedule` set for every script, besides Lua's standard library.",
		Text: "`require` also finds modules beside the script (`require(\"lib.args\")` loads `lib/args.lua` next to it). " +
			"`print` writes to the run's standard output.",
		Fields: []luadoc.Field{
			{Name: "arg", Type: "table", Summary: "`arg[0]` is the script's path, `arg[1]`... its arguments as strings; in a webhook run `arg.event` is the event too."},
			{Name: "event", Type: "table or nil", Summary: "The Harbor webhook event that started this run (`harborscript schedule --listen`, or `run --event FILE`); nil otherwise. Its fields are below."},
		},
	}
}

// Event documents the event table; its fields are checked against what
// engine/schedule builds from a webhook delivery.
func Event() luadoc.Module {
	return luadoc.Module{
		Name:    "event",
		Kind:    luadoc.KindType,
		Summary: "One Harbor webhook delivery, in Harbor's Default or CloudEvents payload format, reduced to the fields scripts use most. Fields whose value Harbor did not send are nil.",
		Fields: []luadoc.Field{
			{Name: "type", Type: "string", Summary: "The event type by its Default name (`PUSH_ARTIFACT`, `SCANNING_COMPLETED`, ...), whichever format the policy uses."},
			{Name: "format", Type: "string", Summary: "`Default` or `CloudEvents`."},
			{Name: "id", Type: "string", Summary: "The CloudEvents id, or `sha256:` of a Default body (duplicates are dropped by it)."},
			{Name: "occur_at", Type: "number", Summary: "When it happened, Unix seconds."},
			{Name: "time", Type: "string", Summary: "The same as an RFC 3339 timestamp."},
			{Name: "operator", Type: "string", Summary: "Who caused it."},
			{Name: "project", Type: "string", Summary: "The project name."},
			{Name: "repository", Type: "string", Summary: "The repository without its project."},
			{Name: "repo_full_name", Type: "string", Summary: "`project/repository`."},
			{Name: "tag", Type: "string", Summary: "The first resource's tag."},
			{Name: "digest", Type: "string", Summary: "The first resource's digest."},
			{Name: "resource_url", Type: "string", Summary: "The first resource's pull reference."},
			{Name: "resources", Type: "list", Summary: "Every resource of the event as Harbor sent it."},
			{Name: "scan_overview", Type: "table", Summary: "The first resource's scan overview (scan events)."},
			{Name: "severity", Type: "string", Summary: "The scan's overall severity, picked from scan_overview whatever its MIME type key."},
			{Name: "summary", Type: "table", Summary: "Findings per severity from that scan (`{Critical = 1, High = 2, ...}`)."},
			{Name: "details", Type: "string", Summary: "custom_attributes.Details (quota events)."},
			{Name: "data", Type: "table", Summary: "The whole event_data (Default) or data (CloudEvents)."},
			{Name: "raw", Type: "table", Summary: "The whole delivery."},
		},
		Example: `-- handler.lua, run by "harborscript schedule" with on: SCANNING_COMPLETED
if event and event.type == "SCANNING_COMPLETED" and (event.summary or {}).Critical then
  print(("%s:%s has %d critical findings"):format(event.repo_full_name, event.tag, event.summary.Critical))
end`,
	}
}
