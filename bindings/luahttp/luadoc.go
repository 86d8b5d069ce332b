package luahttp

import "github.com/harborscript/harborscript/bindings/luadoc"

var httpOptions = []luadoc.Param{
	{Name: "headers", Type: "table", Summary: "Request headers (string values)."},
	{Name: "query", Type: "table", Summary: "Query parameters; a list value repeats the parameter."},
	{Name: "json", Type: "any", Summary: "Encoded as the JSON body (keys sorted); sets `Content-Type: application/json` unless given."},
	{Name: "body", Type: "string", Summary: "The raw body (not with `json`)."},
	{Name: "timeout", Type: "seconds or duration string", Default: "30", Summary: "Bound on the whole request, response body included."},
}

// Doc documents the "http" module and its responses.
func Doc() []luadoc.Module {
	mod := luadoc.Module{
		Name:    "http",
		Kind:    luadoc.KindModule,
		Summary: "A plain HTTP client for webhooks and chat notifications (not for Harbor: use the client for that).",
		Text: "A response with any status is returned, not raised: check `resp.ok`. Only failures to get a response (refused, timed out, " +
			"cancelled run, a body over 32 MiB) raise an error, and its message never repeats a password from the URL.",
		Functions: []luadoc.Func{{
			Name: "request", Signature: "http.request(method, url[, opts])", Summary: "Sends a request with any method.",
			Params:  append([]luadoc.Param{{Name: "method", Type: "string", Summary: "`GET`, `POST`, ..."}, {Name: "url", Type: "string", Summary: "An http or https URL."}}, httpOptions...),
			Returns: "a response.",
		}},
	}
	for _, m := range []string{"get", "post", "put", "patch", "delete", "head"} {
		f := luadoc.Func{Name: m, Signature: "http." + m + "(url[, opts])", Summary: "`http.request` with that method; the same options."}
		if m == "post" {
			f.Example = `local http = require("http")
local resp = http.post(os.getenv("WEBHOOK_URL"), {
  json = {text = "3 critical artifacts in library"},
  timeout = "10s",
})
if not resp.ok then error("webhook answered " .. resp.status .. ": " .. resp.body) end`
		}
		mod.Functions = append(mod.Functions, f)
	}
	resp := luadoc.Module{
		Name:    "http response",
		Kind:    luadoc.KindType,
		Summary: "What the http functions return.",
		Fields: []luadoc.Field{
			{Name: "status", Type: "integer", Summary: "The HTTP status."},
			{Name: "ok", Type: "boolean", Summary: "True for a 2xx status."},
			{Name: "headers", Type: "table", Summary: "Header names in lower case; repeated headers joined with `, `."},
			{Name: "body", Type: "string", Summary: "The body."},
		},
		Functions: []luadoc.Func{{
			Name: "json", Signature: "resp.json()", Summary: "Decodes the body as JSON (`resp:json()` works too); an error when it is not JSON.", Returns: "a Lua value.",
		}},
	}
	return []luadoc.Module{mod, resp}
}
