package lualog

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

var pinned = time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 7200))

func run(t *testing.T, cfg Config, src string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cfg.Out = &out
	cfg.Now = func() time.Time { return pinned }
	L := lua.NewState()
	defer L.Close()
	if err := PreloadWith(L, cfg); err != nil {
		t.Fatal(err)
	}
	err := L.DoString(`local log = require("log")` + "\n" + src)
	return out.String(), err
}

func TestTextFormat(t *testing.T) {
	out, err := run(t, Config{Level: "debug", Redact: []string{"s3cret"}}, `
		log.info("deleted artifact", {repo="library/alpine", count=3, ratio=0.5, dry=false, note="two words"})
		log.debug("token s3cret used", {auth="Basic s3cret", tags={"a","b"}})
		log.warn("plain")
		log.error("bad", {empty={}, ["odd key"]="x=y"})
	`)
	if err != nil {
		t.Fatal(err)
	}
	want := `2026-01-02T01:04:05Z INFO deleted artifact count=3 dry=false note="two words" ratio=0.5 repo=library/alpine
2026-01-02T01:04:05Z DEBUG token [REDACTED] used auth="Basic [REDACTED]" tags=["a","b"]
2026-01-02T01:04:05Z WARN plain
2026-01-02T01:04:05Z ERROR bad empty={} "odd key"="x=y"
`
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestJSONFormatAndLevel(t *testing.T) {
	out, err := run(t, Config{Level: "warn", Format: "json", Redact: []string{"tok", "tok-long"}}, `
		log.info("hidden")
		log.debug("hidden")
		log.warn("kept tok-long", {nested={secret="tok", list={1, "tok"}}, n=2})
		log.error("also")
	`)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 lines at level warn, got %d:\n%s", len(lines), out)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatalf("line is not JSON: %s", lines[0])
	}
	if rec["time"] != "2026-01-02T01:04:05Z" || rec["level"] != "WARN" || rec["msg"] != "kept [REDACTED]" || rec["n"] != 2.0 {
		t.Fatalf("unexpected record %v", rec)
	}
	nested := rec["nested"].(map[string]any)
	if nested["secret"] != Redacted || nested["list"].([]any)[1] != Redacted {
		t.Fatalf("secrets in nested fields not masked: %v", nested)
	}
	if strings.Contains(out, "tok\"") || strings.Contains(out, "tok-long") {
		t.Fatalf("secret leaked: %s", out)
	}
}

func TestConfigErrors(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	if err := PreloadWith(L, Config{Level: "loud"}); err == nil || err.Error() != `log level "loud" is not one of debug, info, warn, error` {
		t.Fatalf("got %v", err)
	}
	if err := PreloadWith(L, Config{Format: "xml"}); err == nil || err.Error() != `log format "xml" is not one of text, json` {
		t.Fatalf("got %v", err)
	}
}

func TestLogErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`log.info({})`, "log.info: argument #1 must be a string, got table"},
		{`log.warn("m", "x")`, "log.warn: argument #2 must be a table, got string"},
		{`log.error("m", {f=print})`, "log.error: fields.f: cannot convert a function"},
		{`log.debug("m", {[1]="x"})`, "log.debug: argument #2 must map field names to values, got a number key"},
	}
	for _, c := range cases {
		_, err := run(t, Config{Level: "debug"}, c.src)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %q", c.src, err, c.want)
		}
	}
}
