package lualog

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// textHandler writes "2026-01-02T03:04:05Z INFO msg key=value": shorter than
// slog's TextHandler, which repeats time=, level= and msg= on every line.
type textHandler struct {
	mu    sync.Mutex
	out   io.Writer
	level slog.Level
}

func (h *textHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }
func (h *textHandler) WithAttrs([]slog.Attr) slog.Handler           { return h }
func (h *textHandler) WithGroup(string) slog.Handler                { return h }

func (h *textHandler) Handle(_ context.Context, r slog.Record) error {
	var b bytes.Buffer
	b.WriteString(r.Time.UTC().Format(time.RFC3339))
	b.WriteByte(' ')
	b.WriteString(r.Level.String())
	b.WriteByte(' ')
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteByte(' ')
		b.WriteString(quoteIfNeeded(a.Key))
		b.WriteByte('=')
		if v, isJSON := textValue(a.Value); isJSON {
			b.WriteString(v) // compact JSON is already self-delimiting
		} else {
			b.WriteString(quoteIfNeeded(v))
		}
		return true
	})
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := h.out.Write(b.Bytes())
	return err
}

// textValue renders a field; tables become compact JSON, reported by isJSON.
func textValue(v slog.Value) (s string, isJSON bool) {
	switch x := v.Any().(type) {
	case nil:
		return "null", true
	case string:
		return x, false
	case map[string]any, []any:
		data, err := json.Marshal(x)
		if err != nil {
			return err.Error(), false
		}
		return string(data), true
	}
	return v.String(), false
}

// quoteIfNeeded keeps lines splittable on spaces: values with spaces, quotes,
// '=' or control characters are Go-quoted.
func quoteIfNeeded(s string) string {
	if s == "" {
		return `""`
	}
	if strings.IndexFunc(s, func(r rune) bool {
		return r == ' ' || r == '"' || r == '=' || unicode.IsControl(r) || unicode.IsSpace(r) || r == unicode.ReplacementChar
	}) >= 0 {
		return strconv.Quote(s)
	}
	return s
}
