package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// newLogHandler writes the client's request log to w in the chosen format.
func newLogHandler(w io.Writer, format string, level slog.Level) slog.Handler {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.NewJSONHandler(w, opts)
	}
	return slog.NewTextHandler(w, opts)
}

// redactWriter masks secrets in whatever passes through it. The client
// promises never to log a secret; this makes a slip in any library we log
// through harmless too. slog writes each record with one Write, so a secret
// never straddles two calls.
type redactWriter struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
}

func (r *redactWriter) Write(p []byte) (int, error) {
	out := p
	for _, s := range r.secrets {
		if s != "" && bytes.Contains(out, []byte(s)) {
			out = bytes.ReplaceAll(out, []byte(s), []byte("[REDACTED]"))
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// fileSecrets returns what must be masked from a credentials file: its
// secret, as the raw string and as it looks JSON-escaped.
func fileSecrets(data []byte) []string {
	var f struct {
		Secret string `json:"secret"`
	}
	if json.Unmarshal(data, &f) != nil || f.Secret == "" {
		return nil
	}
	out := []string{f.Secret}
	if q, err := json.Marshal(f.Secret); err == nil {
		if esc := strings.Trim(string(q), `"`); esc != f.Secret {
			out = append(out, esc)
		}
	}
	return out
}
