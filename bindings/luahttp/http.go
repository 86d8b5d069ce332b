// Package luahttp is the Lua "http" module: a small HTTP client for webhooks and chat notifications.
// Every request is bound to the state's context so cancelling a run interrupts it.
package luahttp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// Config customises the module for one state.
type Config struct {
	// Client sends the requests; nil uses a client without a cookie jar.
	Client *http.Client
	// MaxBodyBytes caps how much of a response is read; 0 means 32 MiB.
	MaxBodyBytes int64
	// UserAgent is sent unless the script sets its own; "" means "harborscript".
	UserAgent string
}

const (
	defaultTimeout = 30 * time.Second
	defaultMaxBody = 32 << 20
)

// Preload makes require("http") available in L with default settings.
func Preload(L *lua.LState) { PreloadWith(L, Config{}) }

// PreloadWith makes require("http") available in L with cfg.
func PreloadWith(L *lua.LState, cfg Config) {
	L.PreloadModule("http", func(L *lua.LState) int { return load(L, cfg) })
}

// Loader builds the module table with default settings.
func Loader(L *lua.LState) int { return load(L, Config{}) }

func load(L *lua.LState, cfg Config) int {
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = defaultMaxBody
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "harborscript"
	}
	c := &client{cfg: cfg}
	funcs := map[string]lua.LGFunction{
		"request": func(L *lua.LState) int {
			method := strings.ToUpper(luaconv.CheckString(L, "http.request", 1))
			if method == "" || strings.ContainsAny(method, " \t\r\n()<>@,;:\\\"/[]?={}") {
				luaconv.ArgError(L, "http.request", 1, "must be an HTTP method, got %q", method)
			}
			return c.do(L, "http.request", method, 2)
		},
	}
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} {
		method := m
		fn := "http." + strings.ToLower(m)
		funcs[strings.ToLower(m)] = func(L *lua.LState) int { return c.do(L, fn, method, 1) }
	}
	L.Push(L.SetFuncs(L.NewTable(), funcs))
	return 1
}

type client struct{ cfg Config }

type requestSpec struct {
	url     *url.URL
	header  http.Header
	body    []byte
	timeout time.Duration
}

// do performs the request whose URL is argument n and options argument n+1.
func (c *client) do(L *lua.LState, fn, method string, n int) int {
	spec := c.parse(L, fn, n)
	ctx := L.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, spec.timeout)
	defer cancel()
	var body io.Reader
	if spec.body != nil {
		body = bytes.NewReader(spec.body)
	}
	req, err := http.NewRequestWithContext(ctx, method, spec.url.String(), body)
	if err != nil {
		luaconv.Raise(L, fn, "%s %s: %s", method, spec.url.Redacted(), err)
	}
	req.Header = spec.header
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		luaconv.Raise(L, fn, "%s %s: %s", method, spec.url.Redacted(), describe(ctx, L.Context(), spec.timeout, err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBodyBytes+1))
	if err != nil {
		luaconv.Raise(L, fn, "%s %s: reading response: %s", method, spec.url.Redacted(), describe(ctx, L.Context(), spec.timeout, err))
	}
	if int64(len(data)) > c.cfg.MaxBodyBytes {
		luaconv.Raise(L, fn, "%s %s: response body exceeds %d bytes", method, spec.url.Redacted(), c.cfg.MaxBodyBytes)
	}
	L.Push(response(L, fn, resp, data))
	return 1
}

// describe names why a request failed without repeating the URL, which
// url.Error would add again (and which must not carry credentials).
func describe(ctx, parent context.Context, timeout time.Duration, err error) string {
	if parent != nil && parent.Err() != nil {
		return "interrupted"
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("timed out after %s", timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

func response(L *lua.LState, fn string, resp *http.Response, data []byte) *lua.LTable {
	headers := L.CreateTable(0, len(resp.Header))
	names := make([]string, 0, len(resp.Header))
	for name := range resp.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		headers.RawSetString(strings.ToLower(name), lua.LString(strings.Join(resp.Header[name], ", ")))
	}
	t := L.CreateTable(0, 5)
	t.RawSetString("status", lua.LNumber(resp.StatusCode))
	t.RawSetString("ok", lua.LBool(resp.StatusCode >= 200 && resp.StatusCode < 300))
	t.RawSetString("headers", headers)
	t.RawSetString("body", lua.LString(data))
	// Works as resp.json() and resp:json(); the body is decoded on demand
	// because many callers only look at the status.
	t.RawSetString("json", L.NewFunction(func(L *lua.LState) int {
		v, err := luaconv.DecodeJSON(L, data)
		if err != nil {
			luaconv.Raise(L, "response.json", "body is not JSON: %s", err)
		}
		L.Push(v)
		return 1
	}))
	return t
}

func (c *client) parse(L *lua.LState, fn string, n int) requestSpec {
	raw := luaconv.CheckString(L, fn, n)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		luaconv.ArgError(L, fn, n, "must be an http or https URL, got %q", redactRaw(raw))
	}
	spec := requestSpec{url: u, header: http.Header{}, timeout: defaultTimeout}
	spec.header.Set("User-Agent", c.cfg.UserAgent)
	opts := luaconv.OptTable(L, fn, n+1)
	if opts == nil {
		return spec
	}
	opts.ForEach(func(k, _ lua.LValue) {
		switch k.String() {
		case "headers", "json", "body", "timeout", "query":
		default:
			luaconv.OptionError(L, fn, k.String(), "is unknown (expected headers, json, body, timeout or query)")
		}
	})
	if h := opts.RawGetString("headers"); h != lua.LNil {
		ht, ok := h.(*lua.LTable)
		if !ok {
			luaconv.OptionError(L, fn, "headers", "must be a table, got %s", luaconv.TypeName(h))
		}
		ht.ForEach(func(k, v lua.LValue) {
			name, ok := k.(lua.LString)
			if !ok {
				luaconv.OptionError(L, fn, "headers", "must map names to values, got a %s key", luaconv.TypeName(k))
			}
			switch v.(type) {
			case lua.LString, lua.LNumber:
			default:
				// The value is not shown: it may be a token.
				luaconv.OptionError(L, fn, "headers", "value of %q must be a string, got %s", string(name), luaconv.TypeName(v))
			}
			spec.header.Set(string(name), v.String())
		})
	}
	if q := opts.RawGetString("query"); q != lua.LNil {
		qt, ok := q.(*lua.LTable)
		if !ok {
			luaconv.OptionError(L, fn, "query", "must be a table, got %s", luaconv.TypeName(q))
		}
		values := u.Query()
		qt.ForEach(func(k, v lua.LValue) {
			name, ok := k.(lua.LString)
			if !ok {
				luaconv.OptionError(L, fn, "query", "must map names to values, got a %s key", luaconv.TypeName(k))
			}
			switch v := v.(type) {
			case lua.LString, lua.LNumber, lua.LBool:
				values.Set(string(name), v.String())
			case *lua.LTable:
				values.Del(string(name))
				for i := 1; i <= v.Len(); i++ {
					values.Add(string(name), v.RawGetInt(i).String())
				}
			default:
				luaconv.OptionError(L, fn, "query", "value of %q must be a string, number, boolean or list, got %s", string(name), luaconv.TypeName(v))
			}
		})
		u.RawQuery = values.Encode()
	}
	jsonV, bodyV := opts.RawGetString("json"), opts.RawGetString("body")
	if jsonV != lua.LNil && bodyV != lua.LNil {
		luaconv.OptionError(L, fn, "json", "cannot be combined with option \"body\"")
	}
	if jsonV != lua.LNil {
		data, err := luaconv.EncodeJSONWith(jsonV, luaconv.EncodeOptions{SortKeys: true, Root: "json"})
		if err != nil {
			luaconv.OptionError(L, fn, "json", "cannot be encoded: %s", err)
		}
		spec.body = data
		if spec.header.Get("Content-Type") == "" {
			spec.header.Set("Content-Type", "application/json")
		}
	}
	if bodyV != lua.LNil {
		s, ok := bodyV.(lua.LString)
		if !ok {
			luaconv.OptionError(L, fn, "body", "must be a string, got %s", luaconv.TypeName(bodyV))
		}
		spec.body = []byte(s)
	}
	if tv := opts.RawGetString("timeout"); tv != lua.LNil {
		d, ok := timeoutOf(tv)
		if !ok {
			luaconv.OptionError(L, fn, "timeout", "must be a number of seconds or a duration string, got %s", describeValue(tv))
		}
		spec.timeout = d
	}
	return spec
}

func timeoutOf(v lua.LValue) (time.Duration, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		f := float64(v)
		if f <= 0 || math.IsNaN(f) || f > 1e9 {
			return 0, false
		}
		return time.Duration(f * float64(time.Second)), true
	case lua.LString:
		d, err := time.ParseDuration(string(v))
		return d, err == nil && d > 0
	}
	return 0, false
}

func describeValue(v lua.LValue) string {
	switch v.(type) {
	case lua.LString, lua.LNumber:
		return fmt.Sprintf("%q", v.String())
	}
	return luaconv.TypeName(v)
}

// redactRaw hides a password in a URL that may not even parse.
func redactRaw(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if u.User == nil {
			return raw
		}
		return u.Redacted()
	}
	if at := strings.LastIndexByte(raw, '@'); at >= 0 {
		if scheme := strings.Index(raw, "://"); scheme >= 0 && scheme < at {
			return raw[:scheme+3] + "xxxxx" + raw[at:]
		}
	}
	return raw
}
