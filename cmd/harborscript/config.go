package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings"
	"github.com/harborscript/harborscript/bindings/luaharbor"
	"github.com/harborscript/harborscript/bindings/lualog"
	"github.com/harborscript/harborscript/engine"
	"github.com/harborscript/harborscript/engine/schedule"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

// runtime is what run, repl and schedule share: the default client, the
// options it was built from, the module environment and the logger.
type runtime struct {
	stdout, stderr io.Writer
	client         *harbor.Client
	// connection is the runner's connection (URL "" when none), the base
	// that schedule jobs with their own url or credentials are laid over.
	connection harbor.Options
	env        luaharbor.Env
	logger     *slog.Logger
	logLevel   string
	logFormat  string
	// secrets are masked in every log line and in the log module.
	secrets []string
	closers []func()
}

func (r *runtime) close() {
	for i := len(r.closers) - 1; i >= 0; i-- {
		r.closers[i]()
	}
	r.closers = nil
}

// setup preloads the modules into a state; engine.Options.Setup.
func (r *runtime) setup(L *lua.LState) error {
	return r.modules(L, r.env, r.stdout, r.stderr)
}

// modules preloads the modules with a given environment and output, as a
// schedule job's run has its own; schedule.Options.Modules.
func (r *runtime) modules(L *lua.LState, env luaharbor.Env, stdout, stderr io.Writer) error {
	if err := bindings.Setup(L, &bindings.Options{Harbor: env, Stdout: stdout, CheckWrite: engine.CheckWrite}); err != nil {
		return err
	}
	// The log module follows --log-level and --log-format, and masks the
	// connection's secrets should a script log them.
	return lualog.PreloadWith(L, lualog.Config{Level: r.logLevel, Format: r.logFormat, Out: stderr, Redact: r.secrets})
}

// credentials is the identity chosen from flags, environment and file.
type credentials struct {
	username, secret string
	file             string
	// source names where the identity came from, for error messages.
	source string
}

func lookup(c *cli.Context, flag, env string) (value string, fromFlag bool) {
	if c.IsSet(flag) {
		return c.String(flag), true
	}
	return os.Getenv(env), false
}

// resolveCredentials applies flag > env > credentials file: the first tier
// that gives any credential decides, and two kinds given on the same tier
// are refused rather than guessed between.
func resolveCredentials(c *cli.Context) (credentials, error) {
	user, userFlag := lookup(c, "username", envUsername)
	pass, passFlag := lookup(c, "password", envPassword)
	basic, basicFlag := lookup(c, "credentials", envCredentials)
	file, fileFlag := lookup(c, "credentials-file", envCredentialsFile)

	pairFlag := userFlag || passFlag
	flagKinds := 0
	for _, b := range []bool{pairFlag, basicFlag, fileFlag} {
		if b {
			flagKinds++
		}
	}
	if flagKinds > 1 {
		return credentials{}, usageErrorf("give only one of --username/--password, --credentials or --credentials-file")
	}
	pair := func(src string) (credentials, error) {
		switch {
		case user == "":
			return credentials{}, usageErrorf("a password was given without a user name: set --username or %s", envUsername)
		case pass == "":
			return credentials{}, usageErrorf("user %q was given without a password: set --password or %s", user, envPassword)
		}
		return credentials{username: user, secret: pass, source: src}, nil
	}
	switch {
	case pairFlag:
		return pair("--username/--password")
	case basicFlag:
		return decodeBasic(basic, "--credentials")
	case fileFlag:
		return credentials{file: file, source: "--credentials-file"}, nil
	case user != "" || pass != "":
		return pair(envUsername + "/" + envPassword)
	case basic != "":
		return decodeBasic(basic, envCredentials)
	case file != "":
		return credentials{file: file, source: envCredentialsFile}, nil
	}
	return credentials{}, nil
}

func decodeBasic(v, src string) (credentials, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
	if err != nil {
		return credentials{}, usageErrorf("%s is not valid base64: it must be base64 of \"user:secret\" (e.g. from: printf 'user:secret' | base64)", src)
	}
	u, s, ok := strings.Cut(string(raw), ":")
	if !ok || u == "" || s == "" {
		return credentials{}, usageErrorf("%s does not decode to \"user:secret\"", src)
	}
	return credentials{username: u, secret: s, source: src}, nil
}

// newRuntime builds the default client and module environment from the
// command line. With --demo it starts the simulator first.
func newRuntime(c *cli.Context) (_ *runtime, err error) {
	stdout, stderr := c.App.Writer, c.App.ErrWriter
	rt := &runtime{stdout: stdout, stderr: stderr}
	defer func() {
		if err != nil {
			rt.close()
		}
	}()

	rt.logLevel, rt.logFormat = strings.ToLower(c.String("log-level")), strings.ToLower(c.String("log-format"))
	level, perr := lualog.ParseLevel(rt.logLevel)
	if perr != nil {
		return nil, usageErrorf("--log-level must be debug, info, warn or error, got %q", c.String("log-level"))
	}
	if rt.logFormat != "text" && rt.logFormat != "json" {
		return nil, usageErrorf("--log-format must be text or json, got %q", c.String("log-format"))
	}
	switch a := c.String("auth"); a {
	case "", "basic", "session", "auto":
	default:
		return nil, usageErrorf("--auth must be basic, session or auto, got %q", a)
	}
	if n := c.Int("max-connections"); n < 1 || n > 100 {
		return nil, usageErrorf("--max-connections must be between 1 and 100, got %d", n)
	}
	if d := c.Duration("request-timeout"); d < 0 {
		return nil, usageErrorf("--request-timeout must not be negative, got %s", d)
	}

	var url string
	var creds credentials
	if c.Bool("demo") {
		for _, f := range []string{"url", "credentials", "username", "password", "credentials-file"} {
			if c.IsSet(f) {
				return nil, usageErrorf("--demo uses its own server and admin account: drop --%s", f)
			}
		}
		srv := harbortest.New(harbortest.Options{})
		url = srv.Start()
		rt.closers = append(rt.closers, srv.Close)
		creds = credentials{username: harbortest.AdminUser, secret: harbortest.AdminPassword, source: "--demo"}
		basic := base64.StdEncoding.EncodeToString([]byte(creds.username + ":" + creds.secret))
		// Scripts written for a real Harbor read these, so they run
		// unchanged against the demo.
		for k, v := range map[string]string{envURL: url, envCredentials: basic, envUsername: creds.username, envPassword: creds.secret} {
			os.Setenv(k, v)
		}
		os.Unsetenv(envCredentialsFile)
	} else {
		url, _ = lookup(c, "url", envURL)
		if creds, err = resolveCredentials(c); err != nil {
			return nil, err
		}
	}

	if creds.secret != "" {
		rt.secrets = append(rt.secrets, creds.secret, base64.StdEncoding.EncodeToString([]byte(creds.username+":"+creds.secret)))
	}
	if creds.file != "" {
		data, rerr := os.ReadFile(creds.file)
		if rerr != nil {
			return nil, usageErrorf("%s: cannot read %q: %v", creds.source, creds.file, unwrapPathError(rerr))
		}
		rt.secrets = append(rt.secrets, fileSecrets(data)...)
	}
	rt.logger = slog.New(newLogHandler(&redactWriter{w: stderr, secrets: rt.secrets}, rt.logFormat, level))

	clientDefaults := harbor.Options{Logger: rt.logger}
	if c.Bool("dry-run") {
		clientDefaults.DryRun = true
		clientDefaults.DryRunOut = stderr
	}
	rt.env = luaharbor.Env{
		ClientDefaults: clientDefaults,
		MaxConnections: c.Int("max-connections"),
		Stderr:         stderr,
		Progress:       progressFor(stderr),
	}

	if c.Bool("insecure") {
		fmt.Fprintln(stderr, "warning: --insecure: TLS certificates are not verified, so the connection (and its credentials) can be intercepted")
	}
	opts := clientDefaults
	opts.URL = url
	opts.Username, opts.Secret, opts.CredentialsFile = creds.username, creds.secret, creds.file
	opts.Insecure = c.Bool("insecure")
	opts.CAFile = c.String("ca-file")
	opts.Timeout = c.Duration("request-timeout")
	opts.Auth = c.String("auth")
	rt.connection = opts
	if url == "" {
		if creds.username != "" || creds.file != "" {
			return nil, usageErrorf("credentials were given (%s) but no Harbor URL: set --url or %s", creds.source, envURL)
		}
		return rt, nil
	}
	client, cerr := harbor.New(opts)
	if cerr != nil {
		return nil, usageErrorf("%s", configMessage(cerr))
	}
	rt.client = client
	rt.env.Default = client
	return rt, nil
}

// configMessage names the flag behind a client construction error.
func configMessage(err error) string {
	msg := err.Error()
	for _, r := range []struct{ from, to string }{
		{"url: ", "--url (" + envURL + "): "},
		{"ca_file: ", "--ca-file: "},
		{"credentials_file: ", "--credentials-file (" + envCredentialsFile + "): "},
		{"auth: ", "--auth: "},
	} {
		if i := strings.Index(msg, r.from); i >= 0 {
			return msg[:i] + r.to + msg[i+len(r.from):]
		}
	}
	return msg
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// engineOptions reads the flags that limit a run.
func engineOptions(c *cli.Context) (engine.Options, error) {
	var o engine.Options
	o.Timeout = c.Duration("timeout")
	if o.Timeout < 0 {
		return o, usageErrorf("--timeout must not be negative")
	}
	if s := c.String("memory-limit"); s != "" {
		n, err := schedule.ParseSize(s)
		if err != nil {
			return o, usageErrorf("--memory-limit: %v", err)
		}
		o.MemoryLimit = n
	}
	if c.IsSet("sandbox") {
		dir := c.String("sandbox")
		st, err := os.Stat(dir)
		if err != nil {
			return o, usageErrorf("--sandbox: %q: %v", dir, unwrapPathError(err))
		}
		if !st.IsDir() {
			return o, usageErrorf("--sandbox: %q is not a directory", dir)
		}
		o.Sandbox = &engine.Sandbox{WriteDir: dir}
	}
	return o, nil
}
