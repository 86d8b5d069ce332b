package scripts_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// receiver starts a webhook answering status for notify.lua.
func receiver(status int) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) { e.startWebhook(t, status) }
}

// withInput writes the JSON output of another script run to a file named
// by {input}, so notify.lua reads what a user's pipeline would hand it.
func withInput(script string, args ...string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		if err := e.run(script, args...); err != nil {
			t.Fatalf("%s: %v", script, err)
		}
		path := filepath.Join(e.dir, "input.json")
		if err := os.WriteFile(path, e.stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		e.vars["input"] = path
		e.vars["dir"] = e.dir
	}
}

func both(fs ...func(t *testing.T, e *env)) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		for _, f := range fs {
			f(t, e)
		}
	}
}

// checkPosted asserts that the webhook got exactly one Slack-style JSON
// message, which must match the golden file of the case.
func checkPosted(goldenName string) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		bodies := e.hook.received()
		if len(bodies) != 1 {
			t.Fatalf("the webhook received %d requests, want 1", len(bodies))
		}
		if ct := e.hook.types[0]; ct != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", ct)
		}
		var msg map[string]any
		if err := json.Unmarshal([]byte(bodies[0]), &msg); err != nil {
			t.Fatalf("the webhook body is not JSON: %v\n%s", err, bodies[0])
		}
		text, ok := msg["text"].(string)
		if !ok || len(msg) != 1 {
			t.Fatalf("the webhook body must be {\"text\": string}, got %s", bodies[0])
		}
		golden(t, goldenName, text+"\n")
	}
}

// checkPostedTimes asserts how many requests the webhook received: a failed
// post is not retried into a flood of duplicate messages.
func checkPostedTimes(n int) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		if got := len(e.hook.received()); got != n {
			t.Errorf("the webhook received %d requests, want %d", got, n)
		}
	}
}
