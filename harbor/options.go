package harbor

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Version is the harborscript version sent in the User-Agent.
var Version = "0.1.0"

// Options configure a Client. Exactly one way of giving credentials may be
// used: Username+Secret, BasicAuth, or CredentialsFile; none means anonymous.
type Options struct {
	// URL of the Harbor server, with or without "/api/v2.0".
	URL string
	// Username and Secret (a user's password or a robot's secret).
	Username, Secret string
	// BasicAuth is base64("user:secret"), as harborapi's basicauth.
	BasicAuth string
	// CredentialsFile is the JSON file Harbor gives for a robot account
	// ({"name": "robot$x", "secret": "..."}).
	CredentialsFile string

	// Insecure skips TLS verification; CAFile adds a CA bundle.
	Insecure bool
	CAFile   string
	// Timeout bounds each attempt of each request (default 30s).
	Timeout time.Duration
	Retry   RetryOptions
	// Auth is "basic", "session" or "auto" (a web session when the server
	// offers one, basic otherwise; the default): see session.go. Robots
	// always use basic auth.
	Auth string

	// DryRun prints mutating requests to DryRunOut instead of sending them.
	DryRun    bool
	DryRunOut io.Writer
	// MaxConnsPerHost sizes the keep-alive pool (default 64).
	MaxConnsPerHost int
	// PageConcurrency bounds the page fetches of one List call (default 5).
	PageConcurrency int
	// SkipCredentialCheck disables the check of credentials on first use.
	SkipCredentialCheck bool
	// Transport replaces the HTTP transport (tests).
	Transport http.RoundTripper
	// Logger gets one debug line per request; never any secret.
	Logger *slog.Logger
}

// RetryOptions bound the retries of transient failures.
type RetryOptions struct {
	// MaxTries counts the first attempt; 1 disables retries (default 5).
	MaxTries int
	// MaxTime bounds the time spent on one request with its retries
	// (default 60s).
	MaxTime time.Duration
	// BaseDelay and MaxDelay shape the exponential backoff (default 200ms, 10s).
	BaseDelay, MaxDelay time.Duration
}

func (r RetryOptions) withDefaults() RetryOptions {
	if r.MaxTries <= 0 {
		r.MaxTries = 5
	}
	if r.MaxTime <= 0 {
		r.MaxTime = 60 * time.Second
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = 200 * time.Millisecond
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = 10 * time.Second
	}
	return r
}

// normalizeURL turns "h", "https://h/", "https://h/api/v2.0/" into
// "https://h/api/v2.0".
func normalizeURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, ValueErrorf("url: no Harbor URL given (set --url or HARBOR_URL)")
	}
	shown := redactUserinfo(raw)
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the bare reason; url.Error repeats the whole URL
		}
		return nil, ValueErrorf("url: %q is not a valid URL: %v", shown, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, ValueErrorf("url: %q must start with http:// or https://", shown)
	}
	if u.User != nil {
		return nil, ValueErrorf("url: credentials in the URL are not accepted; use username/secret or basicauth")
	}
	if u.Host == "" {
		return nil, ValueErrorf("url: %q has no host", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, ValueErrorf("url: %q must not have a query or fragment", shown)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/api/v2.0")
	u.Path = p + "/api/v2.0"
	u.RawPath = ""
	return u, nil
}

// redactUserinfo hides whatever precedes an "@" in the authority of a URL
// that may not even parse, so an error about the URL never shows a password
// written into it.
func redactUserinfo(raw string) string {
	start := 0
	if i := strings.Index(raw, "//"); i >= 0 {
		start = i + 2
	}
	end := len(raw)
	if i := strings.IndexAny(raw[start:], "/?#"); i >= 0 {
		end = start + i
	}
	if at := strings.LastIndex(raw[start:end], "@"); at >= 0 {
		return raw[:start] + "***" + raw[start+at:]
	}
	return raw
}

// credentials resolves the configured identity to a username and secret.
func (o *Options) credentials() (user, secret string, err error) {
	n := 0
	if o.Username != "" || o.Secret != "" {
		n++
	}
	if o.BasicAuth != "" {
		n++
	}
	if o.CredentialsFile != "" {
		n++
	}
	if n > 1 {
		return "", "", ValueErrorf("credentials: give only one of username/secret, basicauth or credentials_file")
	}
	switch {
	case o.BasicAuth != "":
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(o.BasicAuth))
		if err != nil {
			return "", "", ValueErrorf("basicauth: not valid base64 (expected base64 of \"user:secret\")")
		}
		u, s, ok := strings.Cut(string(raw), ":")
		if !ok || u == "" {
			return "", "", ValueErrorf("basicauth: decoded value is not of the form \"user:secret\"")
		}
		return u, s, nil
	case o.CredentialsFile != "":
		data, err := os.ReadFile(o.CredentialsFile)
		if err != nil {
			return "", "", ValueErrorf("credentials_file: cannot read %q: %v", o.CredentialsFile, unwrapPathError(err))
		}
		var f struct {
			Name   string `json:"name"`
			Secret string `json:"secret"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			return "", "", ValueErrorf("credentials_file: %q is not valid JSON: %v", o.CredentialsFile, err)
		}
		if f.Name == "" || f.Secret == "" {
			return "", "", ValueErrorf("credentials_file: %q must have \"name\" and \"secret\"", o.CredentialsFile)
		}
		return f.Name, f.Secret, nil
	case o.Username != "" && o.Secret == "":
		return "", "", ValueErrorf("credentials: username %q given without a secret", o.Username)
	case o.Username == "" && o.Secret != "":
		return "", "", ValueErrorf("credentials: secret given without a username")
	}
	return o.Username, o.Secret, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func (o *Options) validateAuth(isRobot bool) (string, error) {
	switch o.Auth {
	case "":
		// A web session saves Harbor ~85 ms of password hashing per read;
		// robots cannot log in that way and are cheap with basic auth.
		if isRobot {
			return "basic", nil
		}
		return "auto", nil
	case "basic":
		return o.Auth, nil
	case "auto":
		// Harbor's web login refuses robot names with 401, which would
		// read as a wrong secret: robots always use basic auth.
		if isRobot {
			return "basic", nil
		}
		return o.Auth, nil
	case "session":
		if isRobot {
			return "", ValueErrorf("auth: robot accounts cannot log in with a session; use auth=\"basic\"")
		}
		return o.Auth, nil
	}
	return "", ValueErrorf("auth: must be \"basic\", \"session\" or \"auto\", got %q", o.Auth)
}

func fmtUser(u string) string {
	if u == "" {
		return "anonymous"
	}
	return fmt.Sprintf("%q", u)
}
