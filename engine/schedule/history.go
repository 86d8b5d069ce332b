package schedule

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// Record is one finished run, as written to the history file.
type Record struct {
	Job        string    `json:"job"`
	Trigger    string    `json:"trigger"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	DurationMS int64     `json:"duration_ms"`
	// Outcome is success, error, timeout or canceled.
	Outcome  string `json:"outcome"`
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error,omitempty"`
	// Exceptions counts the failed requests the script's bulk api calls
	// reported.
	Exceptions int `json:"exceptions"`
}

// historyFile appends records as JSON lines.
type historyFile struct {
	mu   sync.Mutex
	path string
}

func (h *historyFile) append(r Record) error {
	if h == nil || h.path == "" {
		return nil
	}
	line, err := json.Marshal(r)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	f, err := os.OpenFile(h.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadHistory returns the last n records of the history file (all when
// n <= 0), oldest first. Lines that do not parse are reported by number.
func ReadHistory(path string, n int) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var r Record
		if err := json.Unmarshal([]byte(text), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: not a history record: %v", path, line, err)
		}
		out = append(out, r)
		if n > 0 && len(out) > n {
			out = out[1:]
		}
	}
	return out, sc.Err()
}

// WriteHistoryTable prints records as an aligned table.
func WriteHistoryTable(w io.Writer, recs []Record) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "START\tJOB\tTRIGGER\tDURATION\tOUTCOME\tEXIT\tEXCEPTIONS\tERROR")
	for _, r := range recs {
		errText := r.Error
		if i := strings.IndexByte(errText, '\n'); i >= 0 {
			errText = errText[:i]
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", r.Start.Local().Format("2006-01-02 15:04:05"), r.Job, r.Trigger,
			(time.Duration(r.DurationMS) * time.Millisecond).String(), r.Outcome, r.ExitCode, r.Exceptions, errText)
	}
	return tw.Flush()
}
