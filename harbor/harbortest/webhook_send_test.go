package harbortest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

type received struct {
	path, auth, ctype string
	body              map[string]any
}

// receiver records webhook requests.
type receiver struct {
	mu  sync.Mutex
	got []received
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	rc.mu.Lock()
	rc.got = append(rc.got, received{r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), m})
	rc.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) take() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := rc.got
	rc.got = nil
	return out
}

// delivered waits for the sender to finish what the server recorded and
// returns exactly the n requests that made.
func delivered(t *testing.T, w *WebhookSender, rc *receiver, n int) []received {
	t.Helper()
	w.Wait()
	got := rc.take()
	if len(got) != n {
		t.Fatalf("%d deliveries after Wait, want %d", len(got), n)
	}
	return got
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestWebhookSenderDeliversLikeHarbor(t *testing.T) {
	rc := &receiver{}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	s, base := startServer(t, Options{})
	sender := s.SendWebhooks()

	policy := `{"name":"%s","enabled":true,"event_types":["PUSH_ARTIFACT","DELETE_ARTIFACT","SCANNING_COMPLETED","SCANNING_FAILED","QUOTA_EXCEED"],
	  "targets":[{"type":"http","address":"` + hook.URL + `/hooks/%s","auth_header":"Bearer t0ken"%s}]}`
	for _, p := range [][3]string{{"d", "harbor", ""}, {"ce", "ce", `,"payload_format":"CloudEvents"`}} {
		b := policy
		b = strings.Replace(b, "%s", p[0], 1)
		b = strings.Replace(b, "%s", p[1], 1)
		b = strings.Replace(b, "%s", p[2], 1)
		wantStatus(t, do(t, base, "POST", "/api/v2.0/projects/library/webhook/policies", b, asAdmin), http.StatusCreated)
	}

	digest, err := s.Push("library", "webhook-demo", "v1")
	if err != nil {
		t.Fatal(err)
	}
	got := delivered(t, sender, rc, 2)
	for _, g := range got {
		if g.auth != "Bearer t0ken" {
			t.Errorf("Authorization %q", g.auth)
		}
		data := g.body["event_data"]
		switch g.path {
		case "/hooks/harbor":
			if g.ctype != "application/json" || g.body["type"] != "PUSH_ARTIFACT" || g.body["operator"] != "admin" {
				t.Errorf("default delivery %+v", g)
			}
			if _, ok := g.body["occur_at"].(float64); !ok {
				t.Errorf("occur_at is not a number: %v", g.body["occur_at"])
			}
		case "/hooks/ce":
			data = g.body["data"]
			if g.ctype != "application/cloudevents+json" || g.body["type"] != "harbor.artifact.pushed" || g.body["specversion"] != "1.0" || g.body["id"] == "" {
				t.Errorf("CloudEvents delivery %+v", g)
			}
			if !strings.HasPrefix(g.body["source"].(string), "/projects/1/webhook/policies/") {
				t.Errorf("source %v", g.body["source"])
			}
		default:
			t.Errorf("delivered to %s", g.path)
		}
		d := data.(map[string]any)
		repo := d["repository"].(map[string]any)
		res := d["resources"].([]any)[0].(map[string]any)
		if repo["repo_full_name"] != "library/webhook-demo" || repo["namespace"] != "library" || repo["repo_type"] != "public" || repo["date_created"] == nil {
			t.Errorf("repository %v", repo)
		}
		if res["digest"] != digest || res["tag"] != "v1" || !strings.HasSuffix(res["resource_url"].(string), "/library/webhook-demo:v1") {
			t.Errorf("resource %v", res)
		}
	}
	// The pushed artifact is there for the API too.
	wantStatus(t, do(t, base, "GET", "/api/v2.0/projects/library/repositories/webhook-demo/artifacts/v1", "", asAdmin), http.StatusOK)

	// A scan of a seeded artifact with findings carries its overview.
	wantStatus(t, do(t, base, "POST", "/api/v2.0/projects/library/repositories/debian/artifacts/latest/scan", "", asAdmin), http.StatusAccepted)
	for _, g := range delivered(t, sender, rc, 2) {
		data, _ := g.body["event_data"].(map[string]any)
		if data == nil {
			data = g.body["data"].(map[string]any)
		}
		res := data["resources"].([]any)[0].(map[string]any)
		ov := res["scan_overview"].(map[string]any)
		rep := ov["application/vnd.security.vulnerability.report; version=1.1"].(map[string]any)
		sum := rep["summary"].(map[string]any)["summary"].(map[string]any)
		if rep["scan_status"] != "Success" || sum["Critical"] == nil || data["scan"] == nil {
			t.Errorf("scan delivery %v", data)
		}
	}

	s.Notify(Event{Type: EventQuotaExceed, Operator: "admin", Project: "library", Repository: "webhook-demo"})
	for _, g := range delivered(t, sender, rc, 2) {
		data, _ := g.body["event_data"].(map[string]any)
		if data == nil {
			data = g.body["data"].(map[string]any)
		}
		attrs, _ := data["custom_attributes"].(map[string]any)
		if details, _ := attrs["Details"].(string); !strings.Contains(details, "library") || data["resources"] != nil {
			t.Errorf("quota delivery %v", data)
		}
	}
	// A failed scan reports the artifact's overview as an error without a
	// summary, under both report MIME types.
	var debian struct{ Digest string }
	do(t, base, "GET", "/api/v2.0/projects/library/repositories/debian/artifacts/latest", "", asAdmin).decode(t, &debian)
	s.Notify(Event{Type: EventScanningFailed, Operator: "admin", Project: "library", Repository: "debian", Digest: debian.Digest, Tag: "latest"})
	for _, g := range delivered(t, sender, rc, 2) {
		data, _ := g.body["event_data"].(map[string]any)
		if data == nil {
			data = g.body["data"].(map[string]any)
		}
		ov := data["resources"].([]any)[0].(map[string]any)["scan_overview"].(map[string]any)
		for _, mime := range []string{MimeGenericReport, MimeNativeReport} {
			rep, _ := ov[mime].(map[string]any)
			if _, hasSummary := rep["summary"]; rep["scan_status"] != "Error" || hasSummary {
				t.Errorf("failed scan delivery, %s: %v", mime, rep)
			}
		}
	}

	wantStatus(t, do(t, base, "DELETE", "/api/v2.0/projects/library/repositories/webhook-demo/artifacts/v1", "", asAdmin), http.StatusOK)
	for _, g := range delivered(t, sender, rc, 2) {
		if g.body["type"] != "DELETE_ARTIFACT" && g.body["type"] != "harbor.artifact.deleted" {
			t.Errorf("delete delivery type %v", g.body["type"])
		}
	}
}

// The simulator's bodies have the keys of Harbor's own deliveries.
func TestWebhookPayloadKeysMatchCapturedDeliveries(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "harbor-fixtures", "webhooks")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("captured deliveries not present")
	}
	s, _ := startServer(t, Options{})
	digest, err := s.Push("library", "webhook-demo", "v1")
	if err != nil {
		t.Fatal(err)
	}
	ev := s.Events()[len(s.Events())-1]
	if ev.Digest != digest {
		t.Fatal("push was not recorded")
	}
	for file, format := range map[string]string{"PUSH_ARTIFACT.1.json": "Default", "harbor.artifact.pushed.1.json": "CloudEvents"} {
		raw, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		var want, got map[string]any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		body, _, err := s.WebhookPayload(ev, format, 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if strings.Join(keysOf(got), ",") != strings.Join(keysOf(want), ",") {
			t.Errorf("%s: keys %v, want %v", file, keysOf(got), keysOf(want))
		}
		dataKey := "event_data"
		if format == "CloudEvents" {
			dataKey = "data"
		}
		gd, wd := got[dataKey].(map[string]any), want[dataKey].(map[string]any)
		for _, k := range []string{"repository"} {
			if strings.Join(keysOf(gd[k].(map[string]any)), ",") != strings.Join(keysOf(wd[k].(map[string]any)), ",") {
				t.Errorf("%s: %s keys %v, want %v", file, k, keysOf(gd[k].(map[string]any)), keysOf(wd[k].(map[string]any)))
			}
		}
	}
}

// A CloudEvents id names one event for one policy: rendering it again (a
// resend) keeps the id, another policy or another event gets another.
func TestCloudEventIDStablePerEventAndPolicy(t *testing.T) {
	s, _ := startServer(t, Options{})
	for _, tag := range []string{"v1", "v2"} {
		if _, err := s.Push("library", "ids", tag); err != nil {
			t.Fatal(err)
		}
	}
	evs := s.Events()
	id := func(ev Event, policy int64) string {
		t.Helper()
		body, ctype, err := s.WebhookPayload(ev, "CloudEvents", policy)
		if err != nil || ctype != "application/cloudevents+json" {
			t.Fatalf("payload: %v, type %q", err, ctype)
		}
		var m struct{ ID string }
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		return m.ID
	}
	first := id(evs[0], 1)
	if len(first) != 36 || strings.Count(first, "-") != 4 {
		t.Errorf("id %q is not laid out as a UUID", first)
	}
	if again := id(evs[0], 1); again != first {
		t.Errorf("the same event and policy gave ids %q and %q", first, again)
	}
	if other := id(evs[0], 2); other == first {
		t.Error("two policies share an event id")
	}
	if next := id(evs[1], 1); next == first {
		t.Error("two events share an id")
	}
}
