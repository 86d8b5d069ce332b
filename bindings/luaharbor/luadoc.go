package luaharbor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/harborscript/harborscript/bindings/luadoc"
	"github.com/harborscript/harborscript/harbor"
)

// Doc documents the "harbor" module, the client it builds and the
// exception objects every module raises.
func Doc() []luadoc.Module {
	return []luadoc.Module{moduleDoc(), clientDoc(), exceptionDoc()}
}

func moduleDoc() luadoc.Module {
	return luadoc.Module{
		Name:    "harbor",
		Kind:    luadoc.KindModule,
		Summary: "Clients for the Harbor API v2.0, built like harborapi's HarborAsyncClient.",
		Fields: []luadoc.Field{
			{Name: "default", Type: "client or nil", Summary: "The client the runner built from its flags and environment (`--url`, `HARBOR_URL`, `--demo`, ...); nil when none was configured. Every `harbor.ext.api` function uses it when the client argument is left out."},
			{Name: "version", Type: "string", Summary: "The harborscript version."},
		},
		Functions: []luadoc.Func{
			{
				Name:      "client",
				Signature: "harbor.client(opts)",
				Summary:   "Builds a client. Give one of: `basicauth`, `username` with `secret`, or `credentials_file`; none means anonymous. Credentials are checked with `GET /users/current` before the first request, because Harbor answers a wrong password as anonymous wherever anonymous access is allowed.",
				Params: []luadoc.Param{
					{Name: "url", Type: "string", Summary: "Harbor's address, with or without `/api/v2.0` (required)."},
					{Name: "basicauth", Type: "string", Summary: "base64 of `user:secret`, as harborapi's `basicauth`."},
					{Name: "username", Type: "string", Summary: "A user or a robot (`robot$name`)."},
					{Name: "secret", Type: "string", Summary: "The password or robot secret."},
					{Name: "credentials_file", Type: "string", Summary: "Path of the JSON file Harbor gives for a robot (`{\"name\", \"secret\"}`)."},
					{Name: "verify", Type: "boolean or string", Default: "true", Summary: "false skips TLS verification; a string is the path of a CA bundle."},
					{Name: "timeout", Type: "seconds or duration string", Default: "30", Summary: "Bound on each attempt of each request."},
					{Name: "retry", Type: "table or false", Default: "{max_tries=5, max_time=60}", Summary: "Retries of transient failures (connect errors, timeouts, 429, 502, 503, 504) with exponential backoff and jitter, honouring Retry-After; false sends each request once."},
					{Name: "auth", Type: "string", Default: `"auto"`, Summary: "`\"basic\"`, `\"session\"` or `\"auto\"`: a user's reads use a web session when the server offers one (Harbor hashes a basic-auth password on every request); robots always use basic auth."},
					{Name: "max_connections", Type: "integer 1..100", Default: "runner's setting (5)", Summary: "Pool size of `harbor.ext.api` calls made with this client."},
				},
				Returns: "a client (see the client value).",
				Example: `local harbor = require("harbor")
local client = harbor.client{
  url       = os.getenv("HARBOR_URL"),
  basicauth = os.getenv("HARBOR_CREDENTIALS"),
  timeout   = 10,
  retry     = {max_tries = 3, max_time = 30},
}
print(client:url(), client:username())`,
			},
			{
				Name:      "HarborAsyncClient",
				Signature: "harbor.HarborAsyncClient(opts)",
				Summary:   "The same function as `harbor.client`, under harborapi's class name.",
				Returns:   "a client.",
			},
			{
				Name:      "operations",
				Signature: "harbor.operations([filter])",
				Summary:   "The table of every operation of Harbor's API that `client:call` accepts. With a filter, only those whose id, snake_case name, path or tag contain it (case-insensitive).",
				Params:    []luadoc.Param{{Name: "filter", Type: "string", Summary: "Text to look for."}},
				Returns:   "a list of `{id, name, method, path, tag, paginated, params = {{name, in, type, required}, ...}}`.",
				Example: `local harbor = require("harbor")
for _, op in ipairs(harbor.operations("artifact")) do
  if op.method == "DELETE" then print(op.id, op.path) end
end`,
			},
			{
				Name:      "is_client",
				Signature: "harbor.is_client(v)",
				Summary:   "Whether v is a client.",
				Returns:   "a boolean.",
				Example: `local harbor = require("harbor")
assert(harbor.is_client(harbor.default))
assert(not harbor.is_client({}))`,
			},
		},
	}
}

// clientDoc documents the methods; the everyday ones are generated from
// the alias table, so the list and the operations they call cannot drift.
func clientDoc() luadoc.Module {
	m := luadoc.Module{
		Name:    "client",
		Kind:    luadoc.KindType,
		Summary: "A connection to one Harbor, made by `harbor.client{}` (or `harbor.default`). Methods raise an exception object on failure, so `pcall` returns it.",
		Text: "Listing methods follow every page (100 per request, the remaining pages fetched concurrently once `X-Total-Count` is known) " +
			"unless `page` or `limit` is given. A method returns the decoded body and a response table " +
			"`{status, headers, total, location}` (headers in lower case, cookies left out); listings return the list only.",
		Functions: []luadoc.Func{
			{
				Name:      "call",
				Signature: "client:call(operation[, params])",
				Summary:   "Calls any operation of Harbor's API by its operationId (`listArtifacts`) or snake_case name (`list_artifacts`). Path, query and body parameters go by their spec names; repository names are encoded as Harbor needs (`a/b` becomes `a%252Fb`). An unknown operation, an unknown or missing required parameter is a ValueError before any request.",
				Params: []luadoc.Param{
					{Name: "operation", Type: "string", Summary: "operationId or snake_case name (see `harbor.operations()` or `harborscript ops`)."},
					{Name: "params", Type: "table", Summary: "Parameters by spec name; a body parameter takes a table."},
					{Name: "params.limit", Type: "integer", Default: "all", Summary: "Stop a listing after this many items."},
				},
				Returns: "the decoded body and the response table, or for listings the list of every item.",
				Example: `local client = require("harbor").default
local arts = client:call("listArtifacts", {
  project_name = "library", repository_name = "alpine", with_tag = true,
})
for _, a in ipairs(arts) do print(a.digest) end
local info, resp = client:call("get_system_info")
print(resp.status, info.harbor_version)`,
			},
			{
				Name:      "request",
				Signature: "client:request(method, path[, opts])",
				Summary:   "Sends a request the operations table does not cover. path is below `/api/v2.0` and sent as given (escape repository names yourself). Retries, auth and dry run apply as for every other call.",
				Params: []luadoc.Param{
					{Name: "method", Type: "string", Summary: "GET, HEAD, POST, PUT, PATCH or DELETE."},
					{Name: "path", Type: "string", Summary: "Starts with `/`; may carry a query string."},
					{Name: "opts.query", Type: "table", Summary: "Query parameters (strings, numbers, booleans)."},
					{Name: "opts.body", Type: "table or string", Summary: "A table is sent as JSON, a string as is."},
					{Name: "opts.headers", Type: "table", Summary: "Extra request headers."},
				},
				Returns: "the decoded body (JSON decoded, text as a string, nil when empty) and the response table.",
				Example: `local client = require("harbor").default
local body, resp = client:request("GET", "/projects", {query = {name = "library"}})
print(resp.status, resp.total, body[1].name)`,
			},
			{Name: "close", Signature: "client:close()", Summary: "Logs out of a web session and releases idle connections. The runner closes `harbor.default` itself."},
			{Name: "url", Signature: "client:url()", Summary: "The API base URL, ending in `/api/v2.0`.", Returns: "a string."},
			{Name: "username", Signature: "client:username()", Summary: "The user the client authenticates as (empty when anonymous).", Returns: "a string."},
			{Name: "dry_run", Signature: "client:dry_run()", Summary: "Whether the client only prints its writes (`--dry-run`): a script can then skip reading back what it would have created.", Returns: "a boolean."},
		},
	}
	for _, a := range aliases {
		m.Functions = append(m.Functions, aliasDoc(a))
	}
	return m
}

// aliasExamples show the everyday methods whose arguments are not obvious
// from the signature.
var aliasExamples = map[string]string{
	"get_projects": `local client = require("harbor").default
for _, p in ipairs(client:get_projects{query = "name=~lib"}) do
  print(p.name, p.repo_count)
end`,
	"get_artifact": `local client = require("harbor").default
local a = client:get_artifact("library", "alpine", "latest", {with_scan_overview = true})
print(a.digest, #a.tags)`,
	"create_artifact_tag": `local client = require("harbor").default
client:create_artifact_tag("library", "alpine", "latest", "stable")
client:delete_artifact_tag("library", "alpine", "latest", "stable")`,
	"get_artifact_vulnerabilities": `local client = require("harbor").default
local report = client:get_artifact_vulnerabilities("library", "alpine", "latest")
for _, v in ipairs(report.vulnerabilities) do print(v.id, v.package, v.severity) end`,
	"get_artifacts": `local client = require("harbor").default
local arts = client:get_artifacts("team-a", "backend/api", {query = "tags=v1.2.0", limit = 10})
print(#arts)`,
}

func aliasDoc(a *alias) luadoc.Func {
	f := luadoc.Func{Name: a.Name, Brief: true, Example: aliasExamples[a.Name]}
	args := strings.Join(a.Args, ", ")
	op, ok := harbor.LookupOperation(a.Op)
	if !ok {
		f.Signature = fmt.Sprintf("client:%s(%s)", a.Name, args)
		f.Summary = "`" + a.Op + "` (not in the operations table)"
		return f
	}
	positional := map[string]bool{}
	for _, arg := range a.Args {
		positional[arg] = true
	}
	for k := range a.Fixed {
		positional[k] = true
	}
	var opts []luadoc.Param
	for _, p := range op.Params {
		if positional[p.Name] || p.In == "header" {
			continue
		}
		name := p.Name
		for harborapi, spec := range optionRenames {
			if spec == name {
				name = harborapi
			}
		}
		opts = append(opts, luadoc.Param{Name: name, Type: p.Type})
	}
	if op.Paginated {
		opts = append(opts, luadoc.Param{Name: "limit", Type: "integer"})
	}
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].Name < opts[j].Name })
	f.Params = opts
	sig := args
	if len(opts) > 0 {
		if sig == "" {
			sig = "[opts]"
		} else {
			sig += "[, opts]"
		}
	}
	f.Signature = fmt.Sprintf("client:%s(%s)", a.Name, sig)
	f.Summary = fmt.Sprintf("`%s`: %s `%s`", op.ID, op.Method, op.Path)
	if len(a.Wrap) > 0 {
		var wrapped []string
		for name := range a.Wrap {
			wrapped = append(wrapped, "`"+name+"`")
		}
		sort.Strings(wrapped)
		f.Summary += "; " + strings.Join(wrapped, ", ") + " may be a bare name or id"
	}
	return f
}

func exceptionDoc() luadoc.Module {
	return luadoc.Module{
		Name:    "exception",
		Kind:    luadoc.KindType,
		Summary: "What every failure looks like: the list a `harbor.ext.api` callback receives, and the value `pcall` returns when a client method or a module function raises.",
		Text:    "`e:is(name)` is true for the exception's own type and every ancestor in this hierarchy:\n\n```\n" + exceptionTree() + "```\n\n" + statusTable(),
		Fields: []luadoc.Field{
			{Name: "type", Type: "string", Summary: "The exception's type, e.g. `NotFound`."},
			{Name: "message", Type: "string", Summary: "What went wrong, without secrets."},
			{Name: "status_code", Type: "integer or nil", Summary: "The HTTP status (StatusError and below)."},
			{Name: "request", Type: "table or nil", Summary: "`{method, url}` of the failed request (every HTTPError)."},
			{Name: "errors", Type: "list", Summary: "Harbor's `[{code, message}]` from the error body (empty when none)."},
			{Name: "key", Type: "string or nil", Summary: "What a bulk call was doing when it failed, e.g. the project or repository."},
		},
		Functions: []luadoc.Func{
			{
				Name:      "is",
				Signature: "e:is(name)",
				Summary:   "Whether e is of type name or a descendant of it; an unknown name is an error, so a typo cannot silently answer false. `tostring(e)` gives a one-line description.",
				Returns:   "a boolean.",
				Example: `local client = require("harbor").default
local ok, e = pcall(client.get_project, client, "no-such-project")
assert(not ok)
print(e.type, e.status_code, e:is("StatusError"), e:is("TransportError"))
print(tostring(e))`,
			},
		},
	}
}

// exceptionTree draws harbor.Parents as an indented tree, children sorted.
func exceptionTree() string {
	children := map[string][]string{}
	for child, parent := range harbor.Parents {
		children[parent] = append(children[parent], child)
	}
	var b strings.Builder
	var walk func(name string, depth int)
	walk = func(name string, depth int) {
		b.WriteString(strings.Repeat("  ", depth) + name + "\n")
		kids := children[name]
		sort.Strings(kids)
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	walk(harbor.TypeHarborAPIException, 0)
	return b.String()
}

// statusTable lists which HTTP status becomes which type.
func statusTable() string {
	var b strings.Builder
	b.WriteString("| status | type |\n|---|---|\n")
	for code := 100; code < 600; code++ {
		if t := harbor.TypeForStatus(code); t != harbor.TypeStatusError {
			fmt.Fprintf(&b, "| %d | %s |\n", code, t)
		}
	}
	b.WriteString("| any other | StatusError |\n")
	return b.String()
}
