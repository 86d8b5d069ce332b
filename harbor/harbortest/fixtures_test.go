package harbortest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

const fixtureDir = "../../../shared/harbor-fixtures"

type fixture struct {
	stem, method, path, auth, body string
	headers                        map[string]string
	cookie                         bool
	status                         int
	respHeaders                    map[string]string
	respBody                       []byte
}

func loadFixtures(t *testing.T) []fixture {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*.headers.txt"))
	if len(files) == 0 {
		t.Skip("no Harbor fixtures at " + fixtureDir)
	}
	var out []fixture
	for _, f := range files {
		fx := fixture{stem: strings.TrimSuffix(filepath.Base(f), ".headers.txt"), headers: map[string]string{}, respHeaders: map[string]string{}}
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "# request: "):
				fx.method, fx.path, _ = strings.Cut(strings.TrimPrefix(line, "# request: "), " ")
				fx.path, _, _ = strings.Cut(fx.path, " ")
			case strings.HasPrefix(line, "# auth: "):
				fx.auth = strings.TrimPrefix(line, "# auth: ")
			case strings.HasPrefix(line, "# request body: "):
				fx.body = strings.TrimPrefix(line, "# request body: ")
			case strings.HasPrefix(line, "# request header: Cookie: sid="):
				fx.cookie = true
			case strings.HasPrefix(line, "# request header: "):
				k, v, _ := strings.Cut(strings.TrimPrefix(line, "# request header: "), ": ")
				fx.headers[k] = v
			case strings.HasPrefix(line, "HTTP/1.1 "):
				fmt.Sscanf(line, "HTTP/1.1 %d", &fx.status)
			case !strings.HasPrefix(line, "#"):
				if k, v, ok := strings.Cut(line, ": "); ok {
					fx.respHeaders[k] = v
				}
			}
		}
		fh.Close()
		if b, err := os.ReadFile(filepath.Join(fixtureDir, fx.stem+".json")); err == nil {
			fx.respBody = b
		}
		out = append(out, fx)
	}
	return out
}

// skippedFixtures need server state the capture built step by step (a
// scratch project, a scan in progress); their behaviour is tested on its own.
var skippedFixtures = map[string]string{
	"scan.artifact_in_progress":   "state during a scan, tested in TestScanLifecycle",
	"scan.artifact_after_success": "state after a scan, tested in TestScanLifecycle",
	"scan.post_202":               "mutates; tested in TestScanLifecycle",
	"health":                      "the simulator has every component healthy",
}

func TestFixtures(t *testing.T) {
	for _, fx := range loadFixtures(t) {
		t.Run(fx.stem, func(t *testing.T) {
			if reason, ok := skippedFixtures[fx.stem]; ok {
				t.Skip(reason)
			}
			if strings.HasPrefix(fx.stem, "delete.") {
				t.Skip("a sequence on shared state, replayed by TestDeleteSemantics")
			}
			_, base := startServer(t, Options{Dataset: fixtureDataset()})
			var opts []reqOpt
			switch {
			case strings.HasPrefix(fx.auth, "basic admin:<password>"):
				opts = append(opts, asAdmin)
			case strings.HasPrefix(fx.auth, "basic admin:<wrong"), strings.HasPrefix(fx.auth, "wrong"):
				opts = append(opts, asUser(AdminUser, "wrong-password"))
			}
			for k, v := range fx.headers {
				opts = append(opts, withHeader(k, v))
			}
			if fx.cookie {
				first := do(t, base, "GET", "/api/v2.0/ping", "", asAdmin)
				sid := ""
				for _, c := range (&http.Response{Header: first.header}).Cookies() {
					if c.Name == "sid" {
						sid = c.Value
					}
				}
				opts = append(opts, withHeader("Cookie", "sid="+sid))
			}
			if fx.stem == "ping" {
				opts = append(opts, withHeader("Accept", "application/json"))
			}
			body := fx.body
			if body != "" && strings.HasPrefix(body, `"`) && !strings.HasPrefix(body, `"not`) {
				body = ""
			}
			r := do(t, base, fx.method, fx.path, body, opts...)
			if r.status != fx.status {
				t.Fatalf("status %d, Harbor said %d; body %s", r.status, fx.status, r.body)
			}
			for _, h := range []string{"Content-Type", "X-Total-Count", "Link", "Location"} {
				want, got := fx.respHeaders[h], r.header.Get(h)
				if h == "Location" && want != "" && got != "" {
					continue // ids differ from the capture
				}
				if want != got {
					t.Errorf("%s %q, Harbor said %q", h, got, want)
				}
			}
			if r.header.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			if fx.respBody == nil {
				if len(r.body) != 0 && fx.method != "HEAD" {
					t.Errorf("body %q, Harbor sent none", r.body)
				}
				return
			}
			var want, got any
			if err := json.Unmarshal(fx.respBody, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatalf("response is not JSON: %q", r.body)
			}
			if diffs := shapeDiff("$", want, got); len(diffs) > 0 {
				t.Errorf("shape differs from Harbor's:\n%s", strings.Join(diffs, "\n"))
			}
			if strings.HasPrefix(fx.stem, "error.") && fx.status >= 400 && !reflect.DeepEqual(want, got) {
				t.Errorf("error body %s, Harbor said %s", r.body, fx.respBody)
			}
		})
	}
}

// shapeDiff compares JSON values by shape: same keys, same types, null
// where Harbor has null, arrays of the same length.
func shapeDiff(path string, want, got any) []string {
	switch w := want.(type) {
	case nil:
		if got != nil {
			return []string{fmt.Sprintf("%s: %T, Harbor has null", path, got)}
		}
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, Harbor has an object", path, got)}
		}
		var diffs []string
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			wv, wok := w[k]
			gv, gok := g[k]
			switch {
			case !gok:
				diffs = append(diffs, path+"."+k+": missing")
			case !wok:
				diffs = append(diffs, path+"."+k+": not in Harbor's answer")
			default:
				diffs = append(diffs, shapeDiff(path+"."+k, wv, gv)...)
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: %T, Harbor has an array", path, got)}
		}
		if len(g) != len(w) {
			return []string{fmt.Sprintf("%s: %d elements, Harbor has %d", path, len(g), len(w))}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, shapeDiff(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return diffs
	default:
		if reflect.TypeOf(want) != reflect.TypeOf(got) {
			return []string{fmt.Sprintf("%s: %T, Harbor has %T", path, got, want)}
		}
	}
	return nil
}
