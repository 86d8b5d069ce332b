package schedule

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestScheduledJobRunsEverySecondWithPrefixedOutput(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `
jobs:
  - name: tick
    script: tick.lua
    args: [a, b]
    schedule: "@every 1s"
`, map[string]string{"tick.lua": `print("tick", arg[1], arg[2]) io.stderr:write("note\n")`})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	start := time.Now()
	go func() { f.d.Run(ctx, time.Second); close(done) }()
	waitFor(t, "two runs", func() bool { return len(f.history(t)) >= 2 })
	cancel()
	<-done
	// @every aligns to whole seconds, so the first run comes within 1s.
	if el := time.Since(start); el < 900*time.Millisecond {
		t.Fatalf("two @every 1s runs after only %v", el)
	}
	recs := f.history(t)
	for _, r := range recs {
		if r.Job != "tick" || r.Outcome != "success" || r.Trigger != "schedule" || r.ExitCode != 0 {
			t.Errorf("record %+v", r)
		}
	}
	if gap := recs[1].Start.Sub(recs[0].Start); gap < 900*time.Millisecond || gap > 1500*time.Millisecond {
		t.Errorf("runs %v apart, want about 1s", gap)
	}
	out := f.out.String()
	if strings.Count(out, "[tick] tick\ta\tb\n") < 2 || !strings.Contains(out, "[tick] note\n") {
		t.Errorf("output:\n%s", out)
	}
	if !strings.Contains(f.logs.String(), "run finished") || !strings.Contains(f.logs.String(), "job=tick") {
		t.Errorf("log:\n%s", f.logs.String())
	}
}

func TestOverlapSkipRunsOnce(t *testing.T) {
	t.Parallel()
	f := newWaitingJob(t, "slow", `wait()`)
	if r := f.d.Trigger("slow", nil); r != Started {
		t.Fatalf("first trigger: %s", r)
	}
	f.gate.waitStarted(t)
	for i := 0; i < 3; i++ {
		if r := f.d.Trigger("slow", nil); r != Skipped {
			t.Fatalf("trigger while running: %s, want skipped", r)
		}
	}
	f.gate.open()
	waitFor(t, "the run to end", func() bool { return len(f.history(t)) == 1 })
	time.Sleep(100 * time.Millisecond)
	if n := len(f.history(t)); n != 1 {
		t.Fatalf("%d runs, want 1", n)
	}
	if v := metricValue(f.d.metrics.skipped.WithLabelValues("slow")); v != 3 {
		t.Fatalf("skipped counter %v, want 3", v)
	}
}

func TestOverlapQueueRunsBackToBackAndBoundsTheQueue(t *testing.T) {
	t.Parallel()
	f := newWaitingJob(t, "q", `wait()`, "overlap: queue", "queue_size: 2")
	if r := f.d.Trigger("q", nil); r != Started {
		t.Fatal(r)
	}
	f.gate.waitStarted(t)
	got := []string{f.d.Trigger("q", nil), f.d.Trigger("q", nil), f.d.Trigger("q", nil)}
	if got[0] != Queued || got[1] != Queued || got[2] != Dropped {
		t.Fatalf("triggers while running: %v, want queued, queued, dropped", got)
	}
	f.gate.open()
	waitFor(t, "three runs", func() bool { return len(f.history(t)) == 3 })
	recs := f.history(t)
	for i := 1; i < len(recs); i++ {
		if recs[i].Start.Before(recs[i-1].End) {
			t.Errorf("run %d started before run %d ended", i, i-1)
		}
	}
	if v := metricValue(f.d.metrics.dropped.WithLabelValues("q")); v != 1 {
		t.Fatalf("dropped counter %v", v)
	}
}

func TestOverlapAllowRunsConcurrently(t *testing.T) {
	t.Parallel()
	f := newWaitingJob(t, "a", `wait()`, "overlap: allow")
	for i := 0; i < 2; i++ {
		if r := f.d.Trigger("a", nil); r != Started {
			t.Fatalf("trigger %d: %s, want started", i+1, r)
		}
	}
	f.gate.waitStarted(t)
	f.gate.waitStarted(t)
	f.gate.open()
	waitFor(t, "two runs", func() bool { return len(f.history(t)) == 2 })
}

func TestTimeoutErrorAndExitAreRecordedAndTheDaemonLivesOn(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `
defaults:
  timeout: 5s
jobs:
  - name: loop
    script: loop.lua
    schedule: "@daily"
    timeout: 200ms
  - name: fail
    script: fail.lua
    schedule: "@daily"
  - name: exit3
    script: exit.lua
    schedule: "@daily"
  - name: ok
    script: ok.lua
    schedule: "@daily"
`, map[string]string{
		"loop.lua": "while true do end",
		"fail.lua": "local t = nil\nprint(t.x)",
		"exit.lua": "os.exit(3)",
		"ok.lua":   "print('fine')",
	})
	start := time.Now()
	recs := f.d.RunOnce(context.Background())
	if time.Since(start) > 3*time.Second {
		t.Fatalf("the timeout did not stop the loop in time: %v", time.Since(start))
	}
	want := []struct {
		outcome string
		code    int
		err     string
	}{
		{"timeout", 1, "timeout after 200ms"}, {"error", 1, "fail.lua:2:"}, {"error", 3, "os.exit(3)"}, {"success", 0, ""},
	}
	if len(recs) != len(want) {
		t.Fatalf("%d records", len(recs))
	}
	for i, w := range want {
		r := recs[i]
		if r.Outcome != w.outcome || r.ExitCode != w.code || !strings.Contains(r.Error, w.err) {
			t.Errorf("%s: got %s/%d/%q, want %s/%d/%q", r.Job, r.Outcome, r.ExitCode, r.Error, w.outcome, w.code, w.err)
		}
	}
	if v := metricValue(f.d.metrics.failures.WithLabelValues("loop")); v != 1 {
		t.Errorf("failures{loop} = %v", v)
	}
	if v := metricValue(f.d.metrics.runs.WithLabelValues("ok", "success")); v != 1 {
		t.Errorf("runs{ok,success} = %v", v)
	}
	if v := metricValue(f.d.metrics.lastSuccess.WithLabelValues("ok")); v < float64(start.Unix()) {
		t.Errorf("last success %v", v)
	}
	if !strings.Contains(f.logs.String(), "run failed") || !strings.Contains(f.out.String(), "[fail] stack traceback:") {
		t.Errorf("log:\n%s\nout:\n%s", f.logs.String(), f.out.String())
	}
}

func TestEnvIsPerJob(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `
jobs:
  - name: one
    script: env.lua
    schedule: "@daily"
    env: {GREETING: hello}
  - name: two
    script: env.lua
    schedule: "@daily"
`, map[string]string{"env.lua": `print(os.getenv("GREETING"), os.getenv("PATH") ~= nil)`})
	f.d.RunOnce(context.Background())
	out := f.out.String()
	if !strings.Contains(out, "[one] hello\ttrue\n") || !strings.Contains(out, "[two] nil\ttrue\n") {
		t.Fatalf("output:\n%s", out)
	}
}

func TestShutdownWaitsForARunningJobThenCancelsAfterGrace(t *testing.T) {
	t.Parallel()
	f := newWaitingJob(t, "slow", `wait() print("finished")`)
	f.d.Trigger("slow", nil)
	f.gate.waitStarted(t)
	done := make(chan struct{})
	go func() { f.d.Shutdown(10 * time.Second); close(done) }()
	select {
	case <-done:
		t.Fatal("shutdown did not wait for the running job")
	case <-time.After(200 * time.Millisecond):
	}
	if r := f.d.Trigger("slow", nil); r != Stopped {
		t.Fatalf("trigger during shutdown: %s", r)
	}
	f.gate.open()
	<-done
	if recs := f.history(t); len(recs) != 1 || recs[0].Outcome != "success" {
		t.Fatalf("history %+v", recs)
	}

	g := newWaitingJob(t, "stuck", `wait()`)
	g.d.Trigger("stuck", nil)
	g.gate.waitStarted(t)
	start := time.Now()
	g.d.Shutdown(300 * time.Millisecond)
	if el := time.Since(start); el < 300*time.Millisecond || el > 3*time.Second {
		t.Fatalf("shutdown took %v with a 300ms grace", el)
	}
	if recs := g.history(t); len(recs) != 1 || recs[0].Outcome != "canceled" {
		t.Fatalf("history %+v", recs)
	}
}

func TestReloadKeepsOldScheduleOnBadFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t, `
jobs:
  - name: a
    script: a.lua
    schedule: "@daily"
`, map[string]string{"a.lua": `print("a")`, "b.lua": `print("b")`})
	path := f.config.File
	writeFile(t, f.dir, "schedule.yaml", "jobs:\n  - name: b\n    script: b.lua\n    schedule: \"not a spec\"\n")
	if _, err := LoadConfig(path); err == nil {
		t.Fatal("a bad spec loaded")
	}
	if f.d.Config().Jobs[0].Name != "a" {
		t.Fatal("the old config was replaced")
	}
	writeFile(t, f.dir, "schedule.yaml", "jobs:\n  - name: b\n    script: b.lua\n    schedule: \"@every 1s\"\n")
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.d.Reload(cfg); err != nil {
		t.Fatal(err)
	}
	if r := f.d.Trigger("a", nil); r != Unknown {
		t.Fatalf("removed job still triggers: %s", r)
	}
	if r := f.d.Trigger("b", nil); r != Started {
		t.Fatalf("new job: %s", r)
	}
	waitFor(t, "b to run", func() bool { return strings.Contains(f.out.String(), "[b] b\n") })
}
