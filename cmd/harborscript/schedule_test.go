package main

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// scheduleCLI runs "harborscript schedule ARGS" in process, with the exit
// code run would give.
func scheduleCLI(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	app := newApp(&out, &errb)
	registered := false
	for _, c := range app.Commands {
		registered = registered || c.Name == "schedule"
	}
	if !registered {
		app.Commands = append(app.Commands, scheduleCommand())
	}
	err := app.Run(append([]string{"harborscript", "schedule"}, args...))
	r := result{stdout: out.String(), stderr: errb.String()}
	var ec *exitCode
	switch {
	case err == nil:
	case errors.As(err, &ec):
		r.code = ec.code
		r.stderr += "error: " + ec.msg + "\n"
	default:
		r.code = exitUsage
		r.stderr += "error: " + err.Error() + "\n"
	}
	return r
}

func TestScheduleListShowsNextRuns(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.lua", "print('a')")
	file := writeFile(t, dir, "s.yaml", "webhook: {auth_header: x}\njobs:\n  - {name: hourly, script: a.lua, schedule: '@hourly'}\n  - {name: hook, script: a.lua, on: [PUSH_ARTIFACT]}\n")
	r := scheduleCLI(t, "--list", file)
	wantCode(t, r, 0)
	lines := strings.Split(r.stdout, "\n")
	if len(lines) < 6 || !strings.HasPrefix(lines[0], "hourly (") || strings.Count(r.stdout, "@hourly") != 3 {
		t.Fatalf("list:\n%s", r.stdout)
	}
	wantContains(t, "stdout", r.stdout, "hook (", "on PUSH_ARTIFACT at /hooks/harbor")
}

func TestScheduleBadFileIsExit2WithLine(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.lua", "print('a')")
	file := writeFile(t, dir, "s.yaml", "jobs:\n  - {name: a, script: a.lua, schedule: '@hourly'}\n  - {name: b, script: a.lua, schedule: 'every tuesday'}\n")
	r := scheduleCLI(t, "--once", file)
	wantCode(t, r, 2)
	wantContains(t, "stderr", r.stderr, file+`:3: job "b": schedule "every tuesday"`)
}

func TestScheduleOnceExitCodesAndHistory(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ok.lua", "print('ok ' .. arg[1])")
	writeFile(t, dir, "fail.lua", "error('broken')")
	hist := filepath.Join(dir, "h.jsonl")
	good := writeFile(t, dir, "good.yaml", "jobs:\n  - {name: one, script: ok.lua, args: [x], schedule: '@daily'}\n")
	r := scheduleCLI(t, "--once", "--history", hist, good)
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "[one] ok x\n")

	bad := writeFile(t, dir, "bad.yaml", "jobs:\n  - {name: one, script: ok.lua, args: [y], schedule: '@daily'}\n  - {name: two, script: fail.lua, schedule: '@daily'}\n")
	r = scheduleCLI(t, "--once", "--history", hist, bad)
	wantCode(t, r, 1)
	wantContains(t, "stderr", r.stderr, "1 of 2 jobs failed", "broken")

	r = scheduleCLI(t, "--history", hist, "--last", "2")
	wantCode(t, r, 0)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "one") || !strings.Contains(lines[2], "two") || !strings.Contains(lines[2], "error") {
		t.Fatalf("history table:\n%s", r.stdout)
	}
}

func TestScheduleOnceUsesTheConnectionFlags(t *testing.T) {
	srv := simulator(t)
	dir := t.TempDir()
	writeFile(t, dir, "who.lua", "print(require('harbor').default:get_current_user().username)")
	file := writeFile(t, dir, "s.yaml", "jobs:\n  - {name: who, script: who.lua, schedule: '@daily'}\n")
	r := scheduleCLI(t, append(adminFlags(srv), "--once", file)...)
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout, "[who] admin\n")
}

// A job that names only its own url keeps the runner's credentials and
// --dry-run.
func TestScheduleJobURLKeepsTheRunnersCredentials(t *testing.T) {
	runner, other := simulator(t), simulator(t)
	dir := t.TempDir()
	writeFile(t, dir, "who.lua", "local h = require('harbor')\nprint(tostring(h.default))\nprint(h.default:get_current_user().username)\n"+
		"h.default:delete_project('library')\nprint(h.default:get_project('library').name)")
	file := writeFile(t, dir, "s.yaml", "jobs:\n  - {name: here, script: who.lua, schedule: '@daily'}\n"+
		"  - {name: there, script: who.lua, schedule: '@daily', url: '"+other.URL()+"'}\n")
	r := scheduleCLI(t, append(adminFlags(runner), "--dry-run", "--once", file)...)
	wantCode(t, r, 0)
	wantContains(t, "stdout", r.stdout,
		"[here] harbor.Client("+runner.URL()+"/api/v2.0 as \"admin\")\n", "[here] admin\n",
		"[there] harbor.Client("+other.URL()+"/api/v2.0 as \"admin\")\n", "[there] admin\n")
	if n := strings.Count(r.stdout, "] library\n"); n != 2 {
		t.Fatalf("the project survives in %d of 2 jobs:\n%s", n, r.stdout)
	}
	if n := strings.Count(r.stderr, "DRY-RUN DELETE /api/v2.0/projects/library"); n != 2 {
		t.Fatalf("%d of 2 deletes shown as dry runs:\n%s", n, r.stderr)
	}
}

// The built binary stops on SIGTERM only after its running job finished.
func TestScheduleBinaryWaitsForRunningJobOnSIGTERM(t *testing.T) {
	if r := harborscript(t, "schedule", "--help"); r.code != 0 {
		t.Skip("the schedule command is not registered in this binary")
	}
	dir := t.TempDir()
	writeFile(t, dir, "slow.lua", "print('begin')\nlocal t = os.time() + 2\nwhile os.time() < t do end\nprint('end')\n")
	file := writeFile(t, dir, "s.yaml", "jobs:\n  - {name: slow, script: slow.lua, schedule: '@every 1s'}\n")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd, _, _ := command(ctx, invocation{args: []string{"schedule", "--grace", "20s", file}})
	// The process writes while the test reads.
	out, errb := &lockedBuffer{}, &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "[slow] begin") {
		if time.Now().After(deadline) {
			t.Fatalf("the job did not start:\n%s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) || err != nil {
		t.Fatalf("exit: %v\n%s", err, errb.String())
	}
	if !strings.Contains(out.String(), "[slow] end") {
		t.Fatalf("the running job was not allowed to finish:\n%s\n%s", out.String(), errb.String())
	}
}
