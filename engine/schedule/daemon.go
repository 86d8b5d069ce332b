package schedule

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/harbor"
)

// Options configure a Daemon.
type Options struct {
	// Client is the runner's connection; jobs with connection overrides get
	// a client built from it with their fields laid over. URL "" means no
	// default connection.
	Client harbor.Options
	// Default, when set, is harbor.default of jobs without overrides (the
	// runner's already built client); otherwise one is built from Client.
	Default *harbor.Client
	// Env is the harbor modules' environment each run starts from; its
	// Default and Stats are set per run.
	Env luaharbor.Env
	// Modules preloads the Lua modules of a run; nil is bindings.Setup.
	Modules func(L *lua.LState, env luaharbor.Env, stdout, stderr io.Writer) error
	// Limits are the defaults of jobs that set no timeout, memory_limit or
	// sandbox of their own.
	Limits engine.Options
	// Stdout and Stderr receive the scripts' output, prefixed "[job] ".
	Stdout, Stderr io.Writer
	// Logger receives one line per run and the daemon's own messages.
	Logger *slog.Logger
	// History, when set, is the file run records are appended to.
	History string
}

// Trigger outcomes.
const (
	Started = "started"
	Queued  = "queued"
	Skipped = "skipped"
	Dropped = "dropped"
	Stopped = "stopped"
	Unknown = "unknown job"
)

// Daemon runs the jobs of a Config.
type Daemon struct {
	opts    Options
	log     *slog.Logger
	stdout  io.Writer
	stderr  io.Writer
	metrics *metrics
	history *historyFile
	dedupe  *dedupe

	runCtx     context.Context
	cancelRuns context.CancelFunc
	runs       sync.WaitGroup

	mu       sync.Mutex
	cfg      *Config
	owned    []*harbor.Client // clients this daemon built
	jobs     map[string]*jobState
	stopping bool
	stopSch  context.CancelFunc // stops the current schedule loops
	schedWG  sync.WaitGroup
}

// jobState is what outlives reloads of one job name: active runs and the
// queue.
type jobState struct {
	job     *Job
	client  *harbor.Client
	running int
	queue   []pending
}

type pending struct {
	ev      *Event
	trigger string
}

// New validates what a config needs beyond parsing (job connections) and
// returns a daemon ready to Run or RunOnce.
func New(cfg *Config, opts Options) (*Daemon, error) {
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(opts.Stderr, nil))
	}
	if opts.Modules == nil {
		opts.Modules = func(L *lua.LState, env luaharbor.Env, stdout, _ io.Writer) error {
			return bindings.Setup(L, &bindings.Options{Harbor: env, Stdout: stdout, CheckWrite: engine.CheckWrite})
		}
	}
	d := &Daemon{
		opts:    opts,
		log:     opts.Logger,
		stdout:  &lockedWriter{w: opts.Stdout},
		stderr:  &lockedWriter{w: opts.Stderr},
		metrics: newMetrics(),
		history: &historyFile{path: opts.History},
		jobs:    map[string]*jobState{},
	}
	d.runCtx, d.cancelRuns = context.WithCancel(context.Background())
	if d.opts.Default == nil && d.opts.Client.URL != "" {
		c, err := harbor.New(d.opts.Client)
		if err != nil {
			return nil, fmt.Errorf("connection: %w", err)
		}
		d.opts.Default = c
		d.owned = append(d.owned, c)
	}
	clients, err := d.buildClients(cfg)
	if err != nil {
		return nil, err
	}
	d.install(cfg, clients)
	return d, nil
}

// buildClients makes the clients of jobs with connection overrides.
func (d *Daemon) buildClients(cfg *Config) (map[string]*harbor.Client, error) {
	out := map[string]*harbor.Client{}
	for _, j := range cfg.Jobs {
		if j.Connection.IsZero() {
			continue
		}
		o := d.opts.Client
		c := j.Connection
		if c.URL != "" {
			o.URL = c.URL
		}
		if c.Username != "" || c.CredentialsFile != "" {
			o.Username, o.Secret, o.BasicAuth, o.CredentialsFile = c.Username, c.Password, "", c.CredentialsFile
		}
		if c.Insecure != nil {
			o.Insecure = *c.Insecure
		}
		if c.CAFile != "" {
			o.CAFile = c.CAFile
		}
		if c.Auth != "" {
			o.Auth = c.Auth
		}
		client, err := harbor.New(o)
		if err != nil {
			for _, cl := range out {
				cl.Close()
			}
			return nil, fmt.Errorf("%s:%d: job %q: connection: %v", cfg.File, j.Line, j.Name, err)
		}
		out[j.Name] = client
	}
	return out, nil
}

// install makes cfg current; callers hold no lock.
func (d *Daemon) install(cfg *Config, clients map[string]*harbor.Client) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cfg = cfg
	for _, c := range clients {
		d.owned = append(d.owned, c)
	}
	for _, j := range cfg.Jobs {
		st := d.jobs[j.Name]
		if st == nil {
			st = &jobState{}
			d.jobs[j.Name] = st
		}
		st.job = j
		st.client = d.opts.Default
		if c, ok := clients[j.Name]; ok {
			st.client = c
		}
	}
	if d.dedupe == nil || d.dedupe.window != cfg.Webhook.DedupeWindow {
		d.dedupe = newDedupe(cfg.Webhook.DedupeWindow)
	}
}

// Config returns the configuration in force.
func (d *Daemon) Config() *Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg
}

// Reload replaces the configuration. Running jobs finish under the old
// one; schedules restart from the new one. On error the old configuration
// stays in force.
func (d *Daemon) Reload(cfg *Config) error {
	clients, err := d.buildClients(cfg)
	if err != nil {
		return err
	}
	d.install(cfg, clients)
	d.mu.Lock()
	running := d.stopSch != nil && !d.stopping
	d.mu.Unlock()
	if running {
		d.startSchedules()
	}
	d.log.Info("schedule reloaded", "file", cfg.File, "jobs", len(cfg.Jobs))
	return nil
}

// Run schedules jobs until ctx is done, then lets active runs finish for
// up to grace before cancelling them, and returns once all have ended.
func (d *Daemon) Run(ctx context.Context, grace time.Duration) {
	d.startSchedules()
	<-ctx.Done()
	d.Shutdown(grace)
}

// startSchedules (re)starts one timer loop per scheduled job.
func (d *Daemon) startSchedules() {
	d.mu.Lock()
	if d.stopSch != nil {
		d.stopSch()
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.stopSch = cancel
	jobs := append([]*Job(nil), d.cfg.Jobs...)
	d.mu.Unlock()
	for _, j := range jobs {
		if j.Schedule == nil {
			continue
		}
		d.schedWG.Add(1)
		go d.loop(ctx, j)
	}
}

func (d *Daemon) loop(ctx context.Context, j *Job) {
	defer d.schedWG.Done()
	for {
		now := time.Now()
		next := j.Schedule.Next(now)
		if next.IsZero() {
			return
		}
		wait := next.Sub(now)
		if j.Jitter > 0 {
			wait += rand.N(j.Jitter)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		d.trigger(j.Name, nil, "schedule")
	}
}

// Shutdown stops scheduling and event intake, waits up to grace for active
// runs, cancels those still going and waits for them to end. Queued
// triggers are dropped.
func (d *Daemon) Shutdown(grace time.Duration) {
	d.mu.Lock()
	d.stopping = true
	if d.stopSch != nil {
		d.stopSch()
	}
	dropped := 0
	for _, st := range d.jobs {
		dropped += len(st.queue)
		st.queue = nil
	}
	d.mu.Unlock()
	d.schedWG.Wait()
	if dropped > 0 {
		d.log.Warn("shutting down: queued runs dropped", "count", dropped)
	}
	done := make(chan struct{})
	go func() { d.runs.Wait(); close(done) }()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		d.log.Warn("grace period over: cancelling active runs", "grace", grace.String())
		d.cancelRuns()
		<-done
	}
	d.cancelRuns()
	d.mu.Lock()
	owned := d.owned
	d.owned = nil
	d.mu.Unlock()
	for _, c := range owned {
		c.Close()
	}
}

// CancelRuns cancels every active run at once (a second signal).
func (d *Daemon) CancelRuns() { d.cancelRuns() }

// Trigger starts a run of the named job now, with ev as its event (nil for
// none), under the job's overlap policy. It returns Started, Queued,
// Skipped, Dropped, Stopped or Unknown.
func (d *Daemon) Trigger(name string, ev *Event) string {
	trig := "manual"
	if ev != nil {
		trig = "event:" + ev.Type
	}
	return d.trigger(name, ev, trig)
}

func (d *Daemon) trigger(name string, ev *Event, trig string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stopping {
		return Stopped
	}
	st := d.jobs[name]
	if st == nil || !d.current(st) {
		return Unknown
	}
	j := st.job
	switch {
	case st.running == 0:
	case j.Overlap == OverlapSkip:
		d.metrics.skipped.WithLabelValues(j.Name).Inc()
		d.log.Warn("run skipped: the previous run is still going", "job", j.Name, "trigger", trig)
		return Skipped
	case j.Overlap == OverlapQueue:
		if len(st.queue) >= j.QueueSize {
			d.metrics.dropped.WithLabelValues(j.Name).Inc()
			d.log.Warn("run dropped: queue full", "job", j.Name, "trigger", trig, "queue_size", j.QueueSize)
			return Dropped
		}
		st.queue = append(st.queue, pending{ev: ev, trigger: trig})
		return Queued
	case j.Overlap == OverlapAllow && st.running >= j.QueueSize:
		d.metrics.dropped.WithLabelValues(j.Name).Inc()
		d.log.Warn("run dropped: too many runs at once", "job", j.Name, "trigger", trig, "queue_size", j.QueueSize)
		return Dropped
	}
	d.start(st, pending{ev: ev, trigger: trig})
	return Started
}

// current reports whether st's job is in the configuration in force.
func (d *Daemon) current(st *jobState) bool {
	for _, j := range d.cfg.Jobs {
		if j == st.job {
			return true
		}
	}
	return false
}

// start launches a run; callers hold mu.
func (d *Daemon) start(st *jobState, p pending) {
	st.running++
	d.runs.Add(1)
	j, client := st.job, st.client
	d.metrics.running.WithLabelValues(j.Name).Inc()
	go func() {
		defer d.runs.Done()
		d.execute(d.runCtx, j, client, p)
		d.mu.Lock()
		defer d.mu.Unlock()
		st.running--
		d.metrics.running.WithLabelValues(j.Name).Dec()
		if len(st.queue) > 0 && !d.stopping {
			next := st.queue[0]
			st.queue = st.queue[1:]
			d.start(st, next)
		}
	}()
}

// RunOnce runs every scheduled job once, one after the other in file
// order, and returns the records. Event-only jobs are left out.
func (d *Daemon) RunOnce(ctx context.Context) []Record {
	d.mu.Lock()
	jobs := append([]*Job(nil), d.cfg.Jobs...)
	d.mu.Unlock()
	var out []Record
	for _, j := range jobs {
		if j.Schedule == nil {
			d.log.Info("not run by --once: the job has no schedule, only webhook events", "job", j.Name)
			continue
		}
		if ctx.Err() != nil {
			break
		}
		d.mu.Lock()
		client := d.jobs[j.Name].client
		d.mu.Unlock()
		out = append(out, d.execute(ctx, j, client, pending{trigger: "once"}))
	}
	return out
}

// execute runs one job to its end and records the outcome.
func (d *Daemon) execute(ctx context.Context, j *Job, client *harbor.Client, p pending) (rec Record) {
	rec = Record{Job: j.Name, Trigger: p.trigger, Start: time.Now()}
	stdout := newPrefixWriter(d.stdout, j.Name)
	stderr := newPrefixWriter(d.stderr, j.Name)
	var exceptions int
	var excMu sync.Mutex
	env := d.opts.Env
	env.Default = client
	env.Stderr = stderr
	env.Progress = nil
	env.Stats = func(n int) {
		excMu.Lock()
		exceptions += n
		excMu.Unlock()
	}
	eo := engine.Options{Args: j.Args, Stdout: stdout, Stderr: stderr, Timeout: d.opts.Limits.Timeout,
		MemoryLimit: d.opts.Limits.MemoryLimit, Sandbox: d.opts.Limits.Sandbox, CallStackSize: d.opts.Limits.CallStackSize}
	if j.hasTimeout {
		eo.Timeout = j.Timeout
	}
	if j.hasMemoryLimit {
		eo.MemoryLimit = j.MemoryLimit
	}
	if j.hasSandbox {
		eo.Sandbox = &engine.Sandbox{WriteDir: j.Sandbox}
	}
	eo.Setup = func(L *lua.LState) error {
		if err := d.opts.Modules(L, env, stdout, stderr); err != nil {
			return err
		}
		installGetenv(L, j.Env)
		if p.ev != nil {
			return InstallEvent(L, p.ev)
		}
		return nil
	}
	err := safeRun(func() error { return engine.RunFile(ctx, j.Script, eo) })
	stdout.Flush()
	stderr.Flush()
	rec.End = time.Now()
	rec.DurationMS = rec.End.Sub(rec.Start).Milliseconds()
	excMu.Lock()
	rec.Exceptions = exceptions
	excMu.Unlock()
	rec.Outcome, rec.ExitCode, rec.Error = classify(err)
	d.record(rec, err)
	return rec
}

// safeRun keeps a panic in a run from ending the daemon.
func safeRun(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return fn()
}

func classify(err error) (outcome string, code int, msg string) {
	if err == nil {
		return "success", 0, ""
	}
	var exit *engine.ExitError
	if errors.As(err, &exit) {
		if exit.Code == 0 {
			return "success", 0, ""
		}
		return "error", exit.Code, err.Error()
	}
	if se, ok := engine.AsScriptError(err); ok {
		switch {
		case se.Timeout:
			return "timeout", 1, se.Error()
		case se.Canceled:
			return "canceled", 1, se.Error()
		}
		return "error", 1, se.Error()
	}
	return "error", 1, err.Error()
}

func (d *Daemon) record(rec Record, err error) {
	m := d.metrics
	m.runs.WithLabelValues(rec.Job, rec.Outcome).Inc()
	m.duration.WithLabelValues(rec.Job).Observe(rec.End.Sub(rec.Start).Seconds())
	if rec.Outcome == "success" {
		m.lastSuccess.WithLabelValues(rec.Job).Set(float64(rec.End.UnixNano()) / 1e9)
	} else {
		m.failures.WithLabelValues(rec.Job).Inc()
	}
	attrs := []any{"job", rec.Job, "trigger", rec.Trigger, "start", rec.Start.Format(time.RFC3339Nano),
		"duration", rec.End.Sub(rec.Start).Round(time.Millisecond).String(), "outcome", rec.Outcome,
		"exit_code", rec.ExitCode, "exceptions", rec.Exceptions}
	if rec.Error != "" {
		attrs = append(attrs, "error", rec.Error)
	}
	if rec.Outcome == "success" {
		d.log.Info("run finished", attrs...)
	} else {
		d.log.Error("run failed", attrs...)
		if se, ok := engine.AsScriptError(err); ok && se.Traceback != "" {
			w := newPrefixWriter(d.stderr, rec.Job)
			io.WriteString(w, se.Traceback+"\n")
			w.Flush()
		}
	}
	if herr := d.history.append(rec); herr != nil {
		d.log.Error("cannot write run history", "file", d.opts.History, "error", herr.Error())
	}
}

// installGetenv makes env visible through os.getenv in this state only,
// leaving the process environment alone: jobs run concurrently.
func installGetenv(L *lua.LState, env map[string]string) {
	if len(env) == 0 {
		return
	}
	oslib, ok := L.GetGlobal("os").(*lua.LTable)
	if !ok {
		return
	}
	vars := make(map[string]string, len(env))
	for k, v := range env {
		vars[k] = v
	}
	oslib.RawSetString("getenv", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(1)
		if v, ok := vars[name]; ok {
			L.Push(lua.LString(v))
			return 1
		}
		if v, ok := os.LookupEnv(name); ok {
			L.Push(lua.LString(v))
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}))
}
