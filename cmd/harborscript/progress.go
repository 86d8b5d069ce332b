package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/harborscript/harborscript/harbor/ext"
)

// progressFor returns the progress reporter of bulk api calls: a bar on
// stderr when a person is watching it, nothing when stderr is a file or a
// pipe, where the bar's redraws would only be noise.
func progressFor(stderr io.Writer) func(label string) (func(ext.Progress), func()) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return func(label string) (func(ext.Progress), func()) {
		bar := progressbar.NewOptions(-1,
			progressbar.OptionSetWriter(f),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetPredictTime(false),
		)
		update := func(p ext.Progress) {
			if p.Total > 0 && int64(p.Total) != bar.GetMax64() {
				bar.ChangeMax(p.Total)
			}
			desc := label
			if p.Failed > 0 {
				desc = fmt.Sprintf("%s (%d failed)", label, p.Failed)
			}
			bar.Describe(desc)
			_ = bar.Set(p.Done)
		}
		done := func() {
			_ = bar.Finish()
			_ = bar.Clear()
		}
		return update, done
	}
}
