package luahttp

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// echo answers with what it received, so tests can check what was sent.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Add("X-Multi", "a")
	w.Header().Add("X-Multi", "b")
	if r.URL.Path == "/missing" {
		w.WriteHeader(http.StatusNotFound)
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
		"content_type": r.Header.Get("Content-Type"), "auth": r.Header.Get("Authorization"),
		"agent": r.Header.Get("User-Agent"), "body": string(body),
	})
}

func newState(t *testing.T, cfg Config) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	PreloadWith(L, cfg)
	return L
}

func TestRequests(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(echo))
	defer srv.Close()
	L := newState(t, Config{})
	L.SetGlobal("base", lua.LString(srv.URL))
	err := L.DoString(`
		local http = require("http")
		local r = http.get(base .. "/a", {query={q="name=alpine", page=2}, headers={Authorization="Bearer t"}})
		assert(r.status == 200 and r.ok)
		assert(r.headers["content-type"] == "application/json")
		assert(r.headers["x-multi"] == "a, b")
		local j = r.json()
		assert(j.method == "GET" and j.path == "/a" and j.auth == "Bearer t" and j.agent == "harborscript")
		assert(j.query == "page=2&q=name%3Dalpine", j.query)
		assert(r:json().path == "/a", "method call form works too")

		local p = http.post(base .. "/hook", {json={text="done", n=json_null_free or 3}})
		local pj = p.json()
		assert(pj.method == "POST" and pj.content_type == "application/json" and pj.body == '{"n":3,"text":"done"}', pj.body)

		local b = http.put(base .. "/x", {body="raw", headers={["Content-Type"]="text/plain"}}).json()
		assert(b.method == "PUT" and b.body == "raw" and b.content_type == "text/plain")
		assert(http.delete(base .. "/x").json().method == "DELETE")
		assert(http.patch(base .. "/x").json().method == "PATCH")
		assert(http.request("options", base .. "/x").json().method == "OPTIONS")
		local h = http.head(base .. "/x")
		assert(h.status == 200 and h.body == "")

		local m = http.get(base .. "/missing")
		assert(m.status == 404 and not m.ok, "HTTP errors are responses, not Lua errors")
		local list = http.get(base .. "/l", {query={tag={"a","b"}}, timeout="5s"}).json()
		assert(list.query == "tag=a&tag=b", list.query)
	`)
	if err != nil {
		t.Fatal(err)
	}
}

func TestRequestErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		_, _ = w.Write([]byte(strings.Repeat("x", 100)))
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://user:s3cret@" + ln.Addr().String() + "/x"
	ln.Close()

	cases := []struct{ src, want string }{
		{`http.get(closed)`, "http.get: GET http://user:xxxxx@127.0.0.1"},
		{`http.get(base .. "/slow", {timeout=0.05})`, "http.get: GET " + srv.URL + "/slow: timed out after 50ms"},
		{`http.get(base .. "/big")`, "response body exceeds 10 bytes"},
		{`http.get("ftp://x/y")`, `http.get: argument #1 must be an http or https URL, got "ftp://x/y"`},
		{`http.get("http://u:pw@%zz")`, `http.get: argument #1 must be an http or https URL, got "http://xxxxx@%zz"`},
		{`http.get("not a url")`, `http.get: argument #1 must be an http or https URL, got "not a url"`},
		{`http.get({})`, "http.get: argument #1 must be a string, got table"},
		{`http.post(base, 3)`, "http.post: argument #2 must be a table, got number"},
		{`http.post(base, {timeout="soon"})`, `http.post: option "timeout" must be a number of seconds or a duration string, got "soon"`},
		{`http.post(base, {timeout=-1})`, `http.post: option "timeout" must be a number of seconds or a duration string, got "-1"`},
		{`http.post(base, {json={1}, body="x"})`, `http.post: option "json" cannot be combined with option "body"`},
		{`http.post(base, {json={f=print}})`, `http.post: option "json" cannot be encoded: json.f: cannot encode a function`},
		{`http.post(base, {body={}})`, `http.post: option "body" must be a string, got table`},
		{`http.post(base, {headers="x"})`, `http.post: option "headers" must be a table, got string`},
		{`http.post(base, {headers={Authorization={}}})`, `http.post: option "headers" value of "Authorization" must be a string, got table`},
		{`http.post(base, {query={a=print}})`, `http.post: option "query" value of "a" must be a string, number, boolean or list, got function`},
		{`http.post(base, {heders={}})`, `http.post: option "heders" is unknown`},
		{`http.request("BAD METHOD", base)`, `http.request: argument #1 must be an HTTP method, got "BAD METHOD"`},
	}
	for _, c := range cases {
		L := newState(t, Config{MaxBodyBytes: 10})
		L.SetGlobal("base", lua.LString(srv.URL))
		L.SetGlobal("closed", lua.LString(closed))
		err := L.DoString(`local http = require("http")` + "\n" + c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.src, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}

func TestResponseJSONError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("<html>")) }))
	defer srv.Close()
	L := newState(t, Config{})
	L.SetGlobal("base", lua.LString(srv.URL))
	err := L.DoString(`require("http").get(base).json()`)
	if err == nil || !strings.Contains(err.Error(), "response.json: body is not JSON: invalid character '<' looking for beginning of value at byte 0") {
		t.Fatalf("got %v", err)
	}
}

func TestCancelInterruptsRequest(t *testing.T) {
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}))
	defer srv.Close()
	L := newState(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	go func() { <-started; cancel() }()
	L.SetGlobal("base", lua.LString(srv.URL))
	err := L.DoString(`require("http").get(base, {timeout=30})`)
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("got %v", err)
	}
}
