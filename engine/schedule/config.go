package schedule

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"
)

// Overlap says what happens when a job is due while a run of it is active.
type Overlap string

// The overlap policies.
const (
	OverlapSkip  Overlap = "skip"  // the new run is not started
	OverlapQueue Overlap = "queue" // it starts when the active run ends
	OverlapAllow Overlap = "allow" // it runs alongside
)

// Defaults applied when the file does not say.
const (
	DefaultPath         = "/hooks/harbor"
	DefaultMaxBody      = 1 << 20
	DefaultDedupeWindow = 10 * time.Minute
	DefaultQueueSize    = 100
)

// Config is a parsed and validated schedule file.
type Config struct {
	File    string
	Jobs    []*Job
	Webhook Webhook
}

// Webhook configures the intake of Harbor webhook deliveries.
type Webhook struct {
	// AuthHeader is the exact Authorization value Harbor's policy sends.
	AuthHeader   string
	MaxBody      int64
	DedupeWindow time.Duration
}

// Connection overrides the runner's connection for one job; empty fields
// keep the runner's value.
type Connection struct {
	URL             string
	Username        string
	Password        string
	CredentialsFile string
	Insecure        *bool
	CAFile          string
	Auth            string
}

// IsZero reports whether the job uses the runner's connection unchanged.
func (c Connection) IsZero() bool { return c == Connection{} }

// Job is one script with its triggers and limits.
type Job struct {
	Name   string
	Script string // absolute, or relative to the working directory
	Args   []string
	// Spec is the schedule as written; Schedule is nil for event-only jobs.
	Spec     string
	Schedule cron.Schedule
	// On lists Harbor event types (Default names) that trigger the job.
	On               []string
	ProjectFilter    *regexp.Regexp
	RepositoryFilter *regexp.Regexp
	Path             string
	Timeout          time.Duration
	Env              map[string]string
	Overlap          Overlap
	Jitter           time.Duration
	Sandbox          string
	MemoryLimit      uint64
	QueueSize        int
	Connection       Connection
	Line             int
	hasTimeout       bool
	hasMemoryLimit   bool
	hasSandbox       bool
}

// jobFields are the keys of a job and of the defaults section.
type jobFields struct {
	Name            string            `yaml:"name"`
	Script          string            `yaml:"script"`
	Args            []string          `yaml:"args"`
	Schedule        string            `yaml:"schedule"`
	On              []string          `yaml:"on"`
	Filter          *filterFields     `yaml:"filter"`
	Path            string            `yaml:"path"`
	Timeout         string            `yaml:"timeout"`
	Env             map[string]string `yaml:"env"`
	Overlap         string            `yaml:"overlap"`
	Jitter          string            `yaml:"jitter"`
	Sandbox         string            `yaml:"sandbox"`
	MemoryLimit     string            `yaml:"memory_limit"`
	QueueSize       int               `yaml:"queue_size"`
	URL             string            `yaml:"url"`
	Username        string            `yaml:"username"`
	PasswordEnv     string            `yaml:"password_env"`
	CredentialsFile string            `yaml:"credentials_file"`
	Insecure        *bool             `yaml:"insecure"`
	CAFile          string            `yaml:"ca_file"`
	Auth            string            `yaml:"auth"`
}

type filterFields struct {
	Project    string `yaml:"project"`
	Repository string `yaml:"repository"`
}

type webhookFields struct {
	AuthHeader    string `yaml:"auth_header"`
	AuthHeaderEnv string `yaml:"auth_header_env"`
	MaxBody       string `yaml:"max_body"`
	DedupeWindow  string `yaml:"dedupe_window"`
}

type fileFields struct {
	Defaults jobFields      `yaml:"defaults"`
	Webhook  *webhookFields `yaml:"webhook"`
	Jobs     []jobFields    `yaml:"jobs"`
}

// cronParser accepts five fields, an optional leading seconds field,
// descriptors such as @hourly and @every, and a CRON_TZ= prefix.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSpec parses a schedule as the file accepts it.
func ParseSpec(spec string) (cron.Schedule, error) {
	return cronParser.Parse(spec)
}

// LoadConfig reads and validates the schedule file at path. Errors name
// the file, the line and the job.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading schedule file: %w", err)
	}
	return ParseConfig(path, data)
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// ParseConfig validates data as the schedule file called path; relative
// script and sandbox paths are taken from path's directory.
func ParseConfig(path string, data []byte) (*Config, error) {
	var raw fileFields
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: no jobs: the file is empty; it needs a jobs: list", path)
		}
		return nil, yamlError(path, err)
	}
	// A second pass over the node tree finds the line of each job.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(path, err)
	}
	lines := jobLines(&doc)

	dir := filepath.Dir(path)
	cfg := &Config{File: path, Webhook: Webhook{MaxBody: DefaultMaxBody, DedupeWindow: DefaultDedupeWindow}}
	if len(raw.Jobs) == 0 {
		return nil, fmt.Errorf("%s: no jobs: the file needs a jobs: list", path)
	}
	if err := raw.Defaults.checkDefaults(); err != nil {
		return nil, fmt.Errorf("%s: defaults: %v", path, err)
	}
	seen := map[string]int{}
	needHooks := false
	for i, jf := range raw.Jobs {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		where := fmt.Sprintf("%s:%d", path, line)
		if jf.Name == "" {
			return nil, fmt.Errorf("%s: job %d has no name", where, i+1)
		}
		if prev, dup := seen[jf.Name]; dup {
			return nil, fmt.Errorf("%s: job %q: duplicate job name (first at line %d)", where, jf.Name, prev)
		}
		seen[jf.Name] = line
		job, err := buildJob(merge(raw.Defaults, jf), dir)
		if err != nil {
			return nil, fmt.Errorf("%s: job %q: %v", where, jf.Name, err)
		}
		job.Line = line
		if len(job.On) > 0 {
			needHooks = true
		}
		cfg.Jobs = append(cfg.Jobs, job)
	}
	if raw.Webhook != nil {
		if err := raw.Webhook.apply(&cfg.Webhook); err != nil {
			return nil, fmt.Errorf("%s: webhook: %v", path, err)
		}
	}
	if needHooks && cfg.Webhook.AuthHeader == "" {
		return nil, fmt.Errorf("%s: jobs with on: need webhook: {auth_header: ...} or {auth_header_env: NAME}, the value Harbor's webhook policy sends as Authorization", path)
	}
	return cfg, nil
}

func yamlError(path string, err error) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var out []string
	for _, m := range msgs {
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			msg := sm[2]
			if f, ok := strings.CutPrefix(msg, "field "); ok {
				if name, _, ok := strings.Cut(f, " not found"); ok {
					msg = "unknown key " + strconv.Quote(name)
				}
			}
			out = append(out, fmt.Sprintf("%s:%s: %s", path, sm[1], msg))
		} else {
			out = append(out, fmt.Sprintf("%s: %s", path, strings.TrimPrefix(m, "yaml: ")))
		}
	}
	return errors.New(strings.Join(out, "\n"))
}

// jobLines returns the line of each element of the top-level jobs list.
func jobLines(doc *yaml.Node) []int {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "jobs" {
			var out []int
			for _, n := range root.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

func (d jobFields) checkDefaults() error {
	switch {
	case d.Name != "", d.Script != "", d.Schedule != "", len(d.On) > 0, d.Path != "", d.Filter != nil, len(d.Args) > 0:
		return errors.New("only limits, env, overlap and connection settings can have defaults, not name, script, args, schedule, on, filter or path")
	}
	return nil
}

// merge lays a job over the defaults section.
func merge(def, j jobFields) jobFields {
	pick := func(a, b string) string {
		if b != "" {
			return b
		}
		return a
	}
	j.Timeout = pick(def.Timeout, j.Timeout)
	j.Overlap = pick(def.Overlap, j.Overlap)
	j.Jitter = pick(def.Jitter, j.Jitter)
	j.Sandbox = pick(def.Sandbox, j.Sandbox)
	j.MemoryLimit = pick(def.MemoryLimit, j.MemoryLimit)
	j.URL = pick(def.URL, j.URL)
	j.Username = pick(def.Username, j.Username)
	j.PasswordEnv = pick(def.PasswordEnv, j.PasswordEnv)
	j.CredentialsFile = pick(def.CredentialsFile, j.CredentialsFile)
	j.CAFile = pick(def.CAFile, j.CAFile)
	j.Auth = pick(def.Auth, j.Auth)
	if j.Insecure == nil {
		j.Insecure = def.Insecure
	}
	if j.QueueSize == 0 {
		j.QueueSize = def.QueueSize
	}
	if len(def.Env) > 0 {
		env := map[string]string{}
		for k, v := range def.Env {
			env[k] = v
		}
		for k, v := range j.Env {
			env[k] = v
		}
		j.Env = env
	}
	return j
}

func buildJob(f jobFields, dir string) (*Job, error) {
	j := &Job{Name: f.Name, Args: f.Args, Env: f.Env, Path: f.Path, Spec: f.Schedule, QueueSize: f.QueueSize}
	if f.Script == "" {
		return nil, errors.New("script is required")
	}
	j.Script = resolve(dir, f.Script)
	st, err := os.Stat(j.Script)
	if err != nil {
		return nil, fmt.Errorf("script %q: %v", f.Script, unwrapPath(err))
	}
	if st.IsDir() {
		return nil, fmt.Errorf("script %q is a directory", f.Script)
	}
	if f.Schedule == "" && len(f.On) == 0 {
		return nil, errors.New("needs a schedule:, an on: list of Harbor event types, or both")
	}
	if f.Schedule != "" {
		if j.Schedule, err = ParseSpec(f.Schedule); err != nil {
			return nil, fmt.Errorf("schedule %q: %v", f.Schedule, err)
		}
	}
	for _, typ := range f.On {
		name := CanonicalType(typ)
		if !knownType(name) {
			return nil, fmt.Errorf("on: unknown Harbor event type %q (known: %s)", typ, strings.Join(EventTypes, ", "))
		}
		j.On = append(j.On, name)
	}
	if f.Filter != nil {
		if len(f.On) == 0 {
			return nil, errors.New("filter: applies to webhook events and needs an on: list")
		}
		if j.ProjectFilter, err = anchored(f.Filter.Project); err != nil {
			return nil, fmt.Errorf("filter.project: %v", err)
		}
		if j.RepositoryFilter, err = anchored(f.Filter.Repository); err != nil {
			return nil, fmt.Errorf("filter.repository: %v", err)
		}
	}
	if f.Path != "" {
		if len(f.On) == 0 {
			return nil, errors.New("path: is where webhook events arrive and needs an on: list")
		}
		if !strings.HasPrefix(f.Path, "/") || f.Path == "/healthz" || f.Path == "/metrics" {
			return nil, fmt.Errorf("path %q must start with / and not be /healthz or /metrics", f.Path)
		}
	}
	if f.Timeout != "" {
		if j.Timeout, err = positiveDuration(f.Timeout); err != nil {
			return nil, fmt.Errorf("timeout: %v", err)
		}
		j.hasTimeout = true
	}
	if f.Jitter != "" {
		if j.Jitter, err = positiveDuration(f.Jitter); err != nil {
			return nil, fmt.Errorf("jitter: %v", err)
		}
	}
	switch Overlap(f.Overlap) {
	case "":
		// A burst of webhook events should wait its turn rather than be
		// lost, so event jobs queue unless told otherwise.
		j.Overlap = OverlapSkip
		if len(j.On) > 0 {
			j.Overlap = OverlapQueue
		}
	case OverlapSkip, OverlapQueue, OverlapAllow:
		j.Overlap = Overlap(f.Overlap)
	default:
		return nil, fmt.Errorf("overlap must be skip, queue or allow, got %q", f.Overlap)
	}
	if j.QueueSize < 0 {
		return nil, fmt.Errorf("queue_size must be positive, got %d", j.QueueSize)
	}
	if j.QueueSize == 0 {
		j.QueueSize = DefaultQueueSize
	}
	if f.Sandbox != "" {
		j.Sandbox = resolve(dir, f.Sandbox)
		st, err := os.Stat(j.Sandbox)
		if err != nil {
			return nil, fmt.Errorf("sandbox %q: %v", f.Sandbox, unwrapPath(err))
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("sandbox %q is not a directory", f.Sandbox)
		}
		j.hasSandbox = true
	}
	if f.MemoryLimit != "" {
		if j.MemoryLimit, err = ParseSize(f.MemoryLimit); err != nil {
			return nil, fmt.Errorf("memory_limit: %v", err)
		}
		j.hasMemoryLimit = true
	}
	j.Connection = Connection{URL: f.URL, Username: f.Username, Insecure: f.Insecure, CAFile: f.CAFile, Auth: f.Auth}
	if f.CredentialsFile != "" {
		j.Connection.CredentialsFile = resolve(dir, f.CredentialsFile)
	}
	if f.CAFile != "" {
		j.Connection.CAFile = resolve(dir, f.CAFile)
	}
	if f.PasswordEnv != "" {
		if f.Username == "" {
			return nil, errors.New("password_env needs a username")
		}
		j.Connection.Password = os.Getenv(f.PasswordEnv)
		if j.Connection.Password == "" {
			return nil, fmt.Errorf("password_env: environment variable %s is not set", f.PasswordEnv)
		}
	} else if f.Username != "" {
		return nil, errors.New("username needs password_env (the name of the variable holding the password); secrets do not belong in the file")
	}
	if f.CredentialsFile != "" && f.Username != "" {
		return nil, errors.New("give credentials_file or username, not both")
	}
	switch f.Auth {
	case "", "basic", "session", "auto":
	default:
		return nil, fmt.Errorf("auth must be basic, session or auto, got %q", f.Auth)
	}
	return j, nil
}

func (w *webhookFields) apply(out *Webhook) error {
	switch {
	case w.AuthHeader != "" && w.AuthHeaderEnv != "":
		return errors.New("give auth_header or auth_header_env, not both")
	case w.AuthHeader != "":
		out.AuthHeader = w.AuthHeader
	case w.AuthHeaderEnv != "":
		out.AuthHeader = os.Getenv(w.AuthHeaderEnv)
		if out.AuthHeader == "" {
			return fmt.Errorf("auth_header_env: environment variable %s is not set", w.AuthHeaderEnv)
		}
	}
	if w.MaxBody != "" {
		n, err := ParseSize(w.MaxBody)
		if err != nil {
			return fmt.Errorf("max_body: %v", err)
		}
		out.MaxBody = int64(n)
	}
	if w.DedupeWindow != "" {
		d, err := time.ParseDuration(w.DedupeWindow)
		if err != nil || d < 0 {
			return fmt.Errorf("dedupe_window: %q is not a duration such as 10m", w.DedupeWindow)
		}
		out.DedupeWindow = d
	}
	return nil
}

func anchored(pat string) (*regexp.Regexp, error) {
	if pat == "" {
		return nil, nil
	}
	return regexp.Compile("^(?:" + pat + ")$")
}

func positiveDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration such as 90s or 10m", s)
	}
	return d, nil
}

func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
