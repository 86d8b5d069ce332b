package luaharbor

import (
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/harbor"
)

// Client is the Go value behind a Lua client userdata.
type Client struct {
	C *harbor.Client
	// MaxConnections is the pool size of ext.api calls made with this
	// client (0: the runner's default).
	MaxConnections int
	owned          bool
}

const clientMeta = "harbor.Client"

// PushClient wraps c for Lua (the runner's default client).
func PushClient(L *lua.LState, c *harbor.Client) *lua.LUserData {
	return pushClient(L, &Client{C: c})
}

func pushClient(L *lua.LState, c *Client) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = c
	ud.Metatable = clientMetatable(L)
	return ud
}

func asClient(v lua.LValue) (*Client, bool) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return nil, false
	}
	c, ok := ud.Value.(*Client)
	return c, ok
}

// CheckClient returns the client at stack index n, raising a ValueError
// naming fn when it is not one.
func CheckClient(L *lua.LState, fn string, n int) *Client {
	c, ok := asClient(L.Get(n))
	if !ok {
		ValueError(L, "%s: argument #%d must be a harbor client, got %s", fn, n, luaconv.TypeName(L.Get(n)))
	}
	return c
}

// ClientArg implements "the client may be omitted": when argument 1 is a
// client it is used and the other arguments start at 2; otherwise
// harbor.default is used and they start at 1.
func ClientArg(L *lua.LState, fn string) (*Client, int) {
	if c, ok := asClient(L.Get(1)); ok {
		return c, 2
	}
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		ValueError(L, "%s: argument #1 must be a harbor client or an options table, got %s", fn, luaconv.TypeName(ud))
	}
	env := EnvOf(L)
	if env.Default == nil {
		ValueError(L, "%s: no client given and no default client configured (pass a client, or run with --url or --demo)", fn)
	}
	return &Client{C: env.Default}, 1
}

func clientMetatable(L *lua.LState) *lua.LTable {
	if mt, ok := L.G.Registry.RawGetString(clientMeta).(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	methods := L.NewTable()
	for name, fn := range clientMethods() {
		methods.RawSetString(name, L.NewFunction(fn))
	}
	for _, a := range aliases {
		methods.RawSetString(a.Name, L.NewFunction(a.call))
	}
	mt.RawSetString("__index", methods)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		c := CheckClient(L, "tostring", 1)
		L.Push(lua.LString(c.C.String()))
		return 1
	}))
	mt.RawSetString("__name", lua.LString(clientMeta))
	L.G.Registry.RawSetString(clientMeta, mt)
	return mt
}

func clientMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"call":    luaCall,
		"request": luaRequest,
		"close": func(L *lua.LState) int {
			CheckClient(L, "client:close", 1).C.Close()
			return 0
		},
		"url": func(L *lua.LState) int {
			L.Push(lua.LString(CheckClient(L, "client:url", 1).C.BaseURL()))
			return 1
		},
		"username": func(L *lua.LState) int {
			L.Push(lua.LString(CheckClient(L, "client:username", 1).C.Username()))
			return 1
		},
		"dry_run": func(L *lua.LState) int {
			L.Push(lua.LBool(CheckClient(L, "client:dry_run", 1).C.DryRun()))
			return 1
		},
	}
}

// luaCall is client:call(op, params): any operation by operationId or its
// snake_case name. Listings follow every page unless page or limit is given.
func luaCall(L *lua.LState) int {
	c := CheckClient(L, "client:call", 1)
	name := L.Get(2)
	opName, ok := name.(lua.LString)
	if !ok {
		ValueError(L, "client:call: argument #2 must be an operation name, got %s", luaconv.TypeName(name))
	}
	op, ok := harbor.LookupOperation(string(opName))
	if !ok {
		ValueError(L, "client:call: unknown operation %q (see harbor.operations() or `harborscript ops`)", string(opName))
	}
	var params *lua.LTable
	switch v := L.Get(3).(type) {
	case *lua.LNilType:
	case *lua.LTable:
		params = v
	default:
		ValueError(L, "client:call: argument #3 must be a table of parameters, got %s", luaconv.TypeName(v))
	}
	return callOperation(L, c, op, params, "client:call")
}

// callOperation converts params, builds and sends the request and pushes the
// result and a response table.
func callOperation(L *lua.LState, c *Client, op *harbor.Operation, params *lua.LTable, fn string) int {
	values, limit := convertParams(L, op, params, fn)
	page, pageGiven := values["page"]
	size, sizeGiven := values["page_size"]
	// Harbor answers page 0 or a negative page_size with a bogus Link
	// header; page_size above 100 is a 422. Say so before asking.
	// A value of the wrong type is left to BuildRequest, which names it.
	if pageGiven && !math.IsNaN(asFloat(page)) && !positiveInt(page, 0) {
		ValueError(L, "%s: parameter \"page\" must be an integer of 1 or more, got %v", op.ID, page)
	}
	if sizeGiven && !math.IsNaN(asFloat(size)) && !positiveInt(size, harbor.MaxPageSize) {
		ValueError(L, "%s: parameter \"page_size\" must be an integer from 1 to %d, got %v", op.ID, harbor.MaxPageSize, size)
	}
	req, err := op.BuildRequest(values)
	if err != nil {
		Raise(L, err)
	}
	if op.Paginated && !pageGiven {
		// Pagination is the client's business: List sets page and
		// page_size on every page it asks for, so a page_size given here
		// (validated by BuildRequest like any parameter) only sizes them.
		pageSize := 0
		if sizeGiven {
			pageSize = int(asFloat(size))
		}
		items, err := harbor.List[json.RawMessage](ctx(L), c.C, req, harbor.ListOptions{Limit: limit, PageSize: pageSize})
		if err != nil {
			Raise(L, err)
		}
		L.Push(rawList(L, items))
		return 1
	}
	resp, err := c.C.Do(ctx(L), req)
	if err != nil {
		Raise(L, err)
	}
	L.Push(decodeBody(L, resp))
	L.Push(responseTable(L, resp))
	return 2
}

// positiveInt says whether v (from Lua) is an integer of at least 1 and,
// when max > 0, at most max.
func positiveInt(v any, max int) bool {
	n := asFloat(v)
	return n == float64(int64(n)) && n >= 1 && (max <= 0 || n <= float64(max))
}

// asFloat reads a Lua number converted by luaconv (int64 or float64); other
// values give NaN, which no comparison accepts.
func asFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return math.NaN()
}

func convertParams(L *lua.LState, op *harbor.Operation, params *lua.LTable, fn string) (map[string]any, int) {
	values := map[string]any{}
	limit := 0
	if params == nil {
		return values, 0
	}
	body := op.BodyParam()
	params.ForEach(func(k, v lua.LValue) {
		key, ok := k.(lua.LString)
		if !ok {
			ValueError(L, "%s: %s: parameters must be given by name, got a %s key", fn, op.ID, luaconv.TypeName(k))
		}
		name := string(key)
		if name == "limit" { // call's own key, not the operation's
			n, ok := v.(lua.LNumber)
			if !ok {
				ValueError(L, "%s: %s: limit must be a non-negative integer, got %s", fn, op.ID, luaconv.TypeName(v))
			}
			if float64(n) != float64(int(n)) || n < 0 {
				ValueError(L, "%s: %s: limit must be a non-negative integer, got %s", fn, op.ID, n.String())
			}
			limit = int(n)
			return
		}
		opts := []luaconv.FromOption{luaconv.Root(name)}
		if body != nil && (name == body.Name || name == "body") && op.BodyKind() == luaconv.KindArray {
			opts = append(opts, luaconv.EmptyAsArray())
		}
		x, err := luaconv.FromLua(v, opts...)
		if err != nil {
			ValueError(L, "%s: %s: %v", fn, op.ID, err)
		}
		values[name] = x
	})
	return values, limit
}

func rawList(L *lua.LState, items []json.RawMessage) *lua.LTable {
	t := L.CreateTable(len(items), 0)
	for _, raw := range items {
		v, err := luaconv.DecodeJSON(L, raw)
		if err != nil {
			Raise(L, &harbor.Error{Type: harbor.TypeDecodeError, Message: err.Error(), Err: err})
		}
		t.Append(v)
	}
	return t
}

// decodeBody turns a response body into a Lua value: JSON decoded, text as
// a string, nothing as nil.
func decodeBody(L *lua.LState, resp *harbor.Response) lua.LValue {
	body := strings.TrimSpace(string(resp.Body))
	if body == "" {
		return lua.LNil
	}
	ct := resp.Header.Get("Content-Type")
	if strings.Contains(ct, "json") || ct == "" && (body[0] == '{' || body[0] == '[') {
		v, err := luaconv.DecodeJSON(L, resp.Body)
		if err != nil {
			Raise(L, &harbor.Error{Type: harbor.TypeDecodeError, Request: resp.Request, StatusCode: resp.StatusCode,
				Message: "invalid JSON in response: " + err.Error(), Err: err})
		}
		return v
	}
	return lua.LString(resp.Body)
}

func responseTable(L *lua.LState, resp *harbor.Response) *lua.LTable {
	t := L.CreateTable(0, 4)
	t.RawSetString("status", lua.LNumber(resp.StatusCode))
	h := L.CreateTable(0, len(resp.Header))
	for k, vs := range resp.Header {
		if strings.EqualFold(k, "Set-Cookie") {
			continue // session cookies are credentials
		}
		h.RawSetString(strings.ToLower(k), lua.LString(strings.Join(vs, ", ")))
	}
	t.RawSetString("headers", h)
	if resp.Total >= 0 {
		t.RawSetString("total", lua.LNumber(resp.Total))
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		t.RawSetString("location", lua.LString(loc))
	}
	return t
}

type requestOptions struct {
	Query   lua.LValue `lua:"query"`
	Body    lua.LValue `lua:"body"`
	Headers lua.LValue `lua:"headers"`
}

var methods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true}

// luaRequest is client:request(method, path, {query=, body=, headers=}):
// anything the operations table does not cover. path is below /api/v2.0 and
// sent as given (escape repository names with harbor's rules yourself).
func luaRequest(L *lua.LState) int {
	const fn = "client:request"
	c := CheckClient(L, fn, 1)
	m, ok := L.Get(2).(lua.LString)
	if !ok {
		ValueError(L, "%s: method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, got %s", fn, luaconv.TypeName(L.Get(2)))
	}
	method := strings.ToUpper(string(m))
	if !methods[method] {
		ValueError(L, "%s: method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, got %q", fn, method)
	}
	path, ok := L.Get(3).(lua.LString)
	if !ok || !strings.HasPrefix(string(path), "/") {
		ValueError(L, "%s: path must be a string starting with /, got %s", fn, luaconv.TypeName(L.Get(3)))
	}
	var o requestOptions
	OptionsArg(L, fn, 4, &o)
	p, rawQuery, _ := strings.Cut(string(path), "?")
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		ValueError(L, "%s: path has an invalid query: %v", fn, err)
	}
	req := &harbor.Request{Method: method, Path: p, Query: q, Header: http.Header{}}
	if qt, ok := o.Query.(*lua.LTable); ok {
		qt.ForEach(func(k, v lua.LValue) {
			switch v.(type) {
			case lua.LString, lua.LNumber, lua.LBool:
				q.Add(k.String(), v.String())
			default:
				ValueError(L, "%s: query value %q must be a string, number or boolean, got %s", fn, k.String(), luaconv.TypeName(v))
			}
		})
	} else if o.Query != nil {
		ValueError(L, "%s: query must be a table, got %s", fn, luaconv.TypeName(o.Query))
	}
	if ht, ok := o.Headers.(*lua.LTable); ok {
		ht.ForEach(func(k, v lua.LValue) {
			switch v.(type) {
			case lua.LString, lua.LNumber:
			default:
				// The value is not shown: it may be a token.
				ValueError(L, "%s: header %q must be a string, got %s", fn, k.String(), luaconv.TypeName(v))
			}
			if strings.ContainsAny(v.String(), "\r\n") {
				ValueError(L, "%s: header %q must not contain a line break", fn, k.String())
			}
			req.Header.Set(k.String(), v.String())
		})
	} else if o.Headers != nil {
		ValueError(L, "%s: headers must be a table, got %s", fn, luaconv.TypeName(o.Headers))
	}
	if o.Body != nil {
		if s, ok := o.Body.(lua.LString); ok {
			req.Body = []byte(s)
		} else {
			b, err := luaconv.FromLua(o.Body, luaconv.Root("body"))
			if err != nil {
				ValueError(L, "%s: %v", fn, err)
			}
			req.Body = b
		}
	}
	resp, err := c.C.Do(ctx(L), req)
	if err != nil {
		Raise(L, err)
	}
	L.Push(decodeBody(L, resp))
	L.Push(responseTable(L, resp))
	return 2
}
