package schedule

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaharbor"
)

// syncBuffer is a bytes.Buffer safe for the daemon's concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// gate lets a test hold scripts inside a run: the Lua function wait()
// reports the run as started and blocks until release or cancellation.
type gate struct {
	started chan string
	release chan struct{}
	once    sync.Once
}

func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

func newGate() *gate { return &gate{started: make(chan string, 100), release: make(chan struct{})} }

func (g *gate) modules(L *lua.LState, env luaharbor.Env, stdout, stderr io.Writer) error {
	if err := bindings.Setup(L, &bindings.Options{Harbor: env, Stdout: stdout}); err != nil {
		return err
	}
	L.SetGlobal("wait", L.NewFunction(func(L *lua.LState) int {
		g.started <- L.OptString(1, "")
		select {
		case <-g.release:
		case <-L.Context().Done():
			L.RaiseError("interrupted")
		}
		return 0
	}))
	return nil
}

func (g *gate) waitStarted(t *testing.T) string {
	t.Helper()
	select {
	case s := <-g.started:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no run started")
		return ""
	}
}

type fixture struct {
	dir    string
	d      *Daemon
	out    *syncBuffer
	logs   *syncBuffer
	gate   *gate
	hist   string
	config *Config
}

// newFixture writes the scripts and the schedule file (yaml), loads it and
// builds a daemon whose output and log are captured.
func newFixture(t *testing.T, yaml string, scripts map[string]string) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), out: &syncBuffer{}, logs: &syncBuffer{}, gate: newGate()}
	for name, src := range scripts {
		writeFile(t, f.dir, name, src)
	}
	path := writeFile(t, f.dir, "schedule.yaml", yaml)
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	f.config = cfg
	f.hist = filepath.Join(f.dir, "history.jsonl")
	d, err := New(cfg, Options{Stdout: f.out, Stderr: f.out, Modules: f.gate.modules, History: f.hist,
		Logger: slog.New(slog.NewTextHandler(f.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	f.d = d
	t.Cleanup(func() { f.gate.open(); d.Shutdown(time.Second) })
	return f
}

// newWaitingJob builds a daemon with one daily job called name whose
// script is name.lua; extra adds keys to the job, one "key: value" each.
func newWaitingJob(t *testing.T, name, script string, extra ...string) *fixture {
	t.Helper()
	yaml := "jobs:\n  - name: " + name + "\n    script: " + name + ".lua\n    schedule: \"@daily\"\n"
	for _, e := range extra {
		yaml += "    " + e + "\n"
	}
	return newFixture(t, yaml, map[string]string{name + ".lua": script})
}

func (f *fixture) history(t *testing.T) []Record {
	t.Helper()
	recs, err := ReadHistory(f.hist, 0)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return recs
}

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// metricValue reads a counter or gauge.
func metricValue(m prometheus.Metric) float64 {
	var pb dto.Metric
	if err := m.Write(&pb); err != nil {
		return -1
	}
	switch {
	case pb.Counter != nil:
		return pb.Counter.GetValue()
	case pb.Gauge != nil:
		return pb.Gauge.GetValue()
	}
	return -1
}
