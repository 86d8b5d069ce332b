package schedule

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBadFilesNameFileLineAndJob(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ok.lua", "print(1)")
	cases := []struct{ name, yaml, want string }{
		{"yaml syntax", "jobs:\n  - name: a\n   script: x", ":1: did not find expected"},
		{"unknown key", "jobs:\n  - name: a\n    script: ok.lua\n    schedule: '@hourly'\n    retries: 3\n", `:5: unknown key "retries"`},
		{"bad cron", "jobs:\n  - name: a\n    script: ok.lua\n    schedule: '@daily'\n  - name: b\n    script: ok.lua\n    schedule: '61 * * * *'\n", `:5: job "b": schedule "61 * * * *"`},
		{"missing script", "jobs:\n  - name: gone\n    script: gone.lua\n    schedule: '@daily'\n", `:2: job "gone": script "gone.lua": no such file`},
		{"duplicate", "jobs:\n  - name: a\n    script: ok.lua\n    schedule: '@daily'\n  - name: a\n    script: ok.lua\n    schedule: '@daily'\n", `:5: job "a": duplicate job name (first at line 2)`},
		{"no trigger", "jobs:\n  - name: a\n    script: ok.lua\n", `job "a": needs a schedule:`},
		{"bad overlap", "jobs:\n  - name: a\n    script: ok.lua\n    schedule: '@daily'\n    overlap: sometimes\n", "overlap must be skip, queue or allow"},
		{"unknown event", "webhook: {auth_header: x}\njobs:\n  - name: a\n    script: ok.lua\n    on: [PUSHED]\n", `unknown Harbor event type "PUSHED"`},
		{"hooks without auth", "jobs:\n  - name: a\n    script: ok.lua\n    on: [PUSH_ARTIFACT]\n", "need webhook:"},
		{"password in file", "jobs:\n  - name: a\n    script: ok.lua\n    schedule: '@daily'\n    username: robot$x\n", "username needs password_env"},
	}
	for _, c := range cases {
		path := writeFile(t, dir, "s.yaml", c.yaml)
		_, err := LoadConfig(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), path) {
			t.Errorf("%s: got %v, want %q after the file name", c.name, err, c.want)
		}
	}
}

func TestSpecsAndDefaults(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ok.lua", "print(1)")
	path := writeFile(t, dir, "s.yaml", `
defaults: {timeout: 1m, env: {A: "1"}}
webhook: {auth_header: "Bearer x"}
jobs:
  - {name: five, script: ok.lua, schedule: "*/5 * * * *"}
  - {name: six, script: ok.lua, schedule: "30 0 * * * *", timeout: 5s, env: {B: "2"}}
  - {name: tz, script: ok.lua, schedule: "CRON_TZ=Asia/Tokyo 0 9 * * *"}
  - {name: every, script: ok.lua, schedule: "@every 10m"}
  - {name: hook, script: ok.lua, on: [harbor.scan.completed]}
`)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2030, 1, 1, 0, 2, 0, 0, time.UTC)
	want := map[string]time.Time{
		"five":  time.Date(2030, 1, 1, 0, 5, 0, 0, time.UTC),
		"six":   time.Date(2030, 1, 1, 1, 0, 30, 0, time.UTC), // seconds field first
		"tz":    time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Add(24 * time.Hour),
		"every": at.Add(10 * time.Minute),
	}
	for _, j := range cfg.Jobs[:4] {
		if got := j.Schedule.Next(at).UTC(); !got.Equal(want[j.Name]) {
			t.Errorf("%s: next %v, want %v", j.Name, got, want[j.Name])
		}
	}
	if cfg.Jobs[0].Timeout != time.Minute || cfg.Jobs[1].Timeout != 5*time.Second || cfg.Jobs[1].Env["A"] != "1" || cfg.Jobs[1].Env["B"] != "2" {
		t.Errorf("defaults not applied: %+v", cfg.Jobs[1])
	}
	hook := cfg.Jobs[4]
	if hook.On[0] != "SCANNING_COMPLETED" || hook.Overlap != OverlapQueue || cfg.Jobs[0].Overlap != OverlapSkip || hook.QueueSize != DefaultQueueSize {
		t.Errorf("hook job %+v", hook)
	}
	if cfg.Webhook.MaxBody != DefaultMaxBody || cfg.Webhook.DedupeWindow != DefaultDedupeWindow {
		t.Errorf("webhook defaults %+v", cfg.Webhook)
	}
}

func TestExampleScheduleIsValid(t *testing.T) {
	t.Setenv("WEBHOOK_AUTH", "Bearer example")
	cfg, err := LoadConfig(filepath.Join("..", "..", "scripts", "schedule.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, j := range cfg.Jobs {
		names = append(names, j.Name)
	}
	if strings.Join(names, ",") != "list-library,nightly-filtered,label-critical" {
		t.Fatalf("jobs %v", names)
	}
	if cfg.Webhook.AuthHeader != "Bearer example" || cfg.Jobs[2].On[0] != "SCANNING_COMPLETED" || cfg.Jobs[0].Schedule == nil {
		t.Fatalf("config %+v", cfg)
	}
}

func TestHistoryTable(t *testing.T) {
	dir := t.TempDir()
	h := &historyFile{path: filepath.Join(dir, "h.jsonl")}
	start := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	for i, o := range []string{"success", "error", "timeout"} {
		if err := h.append(Record{Job: "j", Trigger: "schedule", Start: start.Add(time.Duration(i) * time.Hour), Outcome: o, DurationMS: 1500, Exceptions: i, Error: "line1\nline2"}); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := ReadHistory(h.path, 2)
	if err != nil || len(recs) != 2 || recs[0].Outcome != "error" || recs[1].Exceptions != 2 {
		t.Fatalf("%+v %v", recs, err)
	}
	var b strings.Builder
	WriteHistoryTable(&b, recs)
	if lines := strings.Split(strings.TrimSpace(b.String()), "\n"); len(lines) != 3 || !strings.Contains(lines[2], "timeout") || !strings.Contains(lines[2], "1.5s") || strings.Contains(b.String(), "line2") {
		t.Fatalf("table:\n%s", b.String())
	}
	writeFile(t, dir, "bad.jsonl", "{\"job\":\"a\"}\nnot json\n")
	if _, err := ReadHistory(filepath.Join(dir, "bad.jsonl"), 0); err == nil || !strings.Contains(err.Error(), "bad.jsonl:2:") {
		t.Fatalf("bad history: %v", err)
	}
}
