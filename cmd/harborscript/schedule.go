package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/harborscript/harborscript/engine/schedule"
)

func scheduleCommand() *cli.Command {
	flags := append(connectionFlags(), runtimeFlags()...)
	flags = append(flags,
		&cli.BoolFlag{Name: "list", Usage: "print each job's next 3 run times and exit"},
		&cli.BoolFlag{Name: "once", Usage: "run every scheduled job once, in file order, and exit (1 if any failed)"},
		&cli.StringFlag{Name: "history", Usage: "append one JSON line per run to `FILE`"},
		&cli.IntFlag{Name: "last", Usage: "print the latest `N` runs of --history FILE as a table and exit"},
		&cli.StringFlag{Name: "listen", Usage: "serve /healthz, /metrics and Harbor webhooks on `ADDR` (e.g. 127.0.0.1:9090)"},
		&cli.DurationFlag{Name: "grace", Value: 30 * time.Second, Usage: "on SIGINT/SIGTERM, how long running jobs may finish before they are cancelled"},
	)
	return &cli.Command{
		Name:      "schedule",
		Usage:     "run Lua scripts on cron schedules and Harbor webhook events",
		ArgsUsage: "FILE",
		Description: "FILE is a YAML schedule (see docs/operations.md). SIGHUP reloads it; SIGINT/SIGTERM\n" +
			"stop scheduling, wait --grace for running jobs, then cancel them; a second signal cancels at once.\n" +
			"Exit status: 0 stopped cleanly, 1 a job failed under --once, 2 usage or schedule file error.",
		Flags:  flags,
		Action: scheduleAction,
	}
}

func scheduleAction(c *cli.Context) error {
	stdout, stderr := c.App.Writer, c.App.ErrWriter
	if c.IsSet("last") {
		return printHistory(c, stdout)
	}
	if c.NArg() != 1 {
		return usageErrorf("schedule: give one schedule FILE: harborscript schedule [flags] FILE")
	}
	file := c.Args().First()
	cfg, err := schedule.LoadConfig(file)
	if err != nil {
		return usageErrorf("schedule: %v", err)
	}
	if c.Bool("list") {
		listJobs(stdout, cfg, time.Now())
		return nil
	}
	limits, err := engineOptions(c)
	if err != nil {
		return err
	}
	rt, err := newRuntime(c)
	if err != nil {
		return err
	}
	defer rt.close()
	d, err := schedule.New(cfg, schedule.Options{
		Client: rt.connection, Default: rt.client, Env: rt.env, Modules: rt.modules, Limits: limits,
		Stdout: stdout, Stderr: stderr, Logger: rt.logger, History: c.String("history"),
	})
	if err != nil {
		return usageErrorf("schedule: %v", err)
	}
	if c.Bool("once") {
		return runOnce(d)
	}
	return serveSchedule(c, d, file, rt.logger)
}

func runOnce(d *schedule.Daemon) error {
	ctx, stop := interruptContext()
	defer stop()
	recs := d.RunOnce(ctx)
	d.Shutdown(0)
	failed := 0
	for _, r := range recs {
		if r.Outcome != "success" {
			failed++
		}
	}
	if ctx.Err() != nil {
		return &exitCode{code: exitCanceled, msg: "interrupted"}
	}
	if failed > 0 {
		return &exitCode{code: exitScript, msg: fmt.Sprintf("%d of %d jobs failed", failed, len(recs))}
	}
	return nil
}

// serveSchedule runs the daemon until SIGINT or SIGTERM; SIGHUP reloads.
func serveSchedule(c *cli.Context, d *schedule.Daemon, file string, logger *slog.Logger) error {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	var srv *http.Server
	if addr := c.String("listen"); addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return usageErrorf("--listen %s: %v", addr, err)
		}
		srv = &http.Server{Handler: d.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("listener stopped", "error", err.Error())
			}
		}()
		logger.Info("listening", "addr", ln.Addr().String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() { d.Run(ctx, c.Duration("grace")); close(done) }()
	logger.Info("schedule started", "file", file, "jobs", len(d.Config().Jobs))
	stopping := false
	for {
		select {
		case sig := <-sigs:
			switch {
			case sig == syscall.SIGHUP:
				cfg, err := schedule.LoadConfig(file)
				if err == nil {
					err = d.Reload(cfg)
				}
				if err != nil {
					logger.Error("reload refused: the previous schedule keeps running", "error", err.Error())
				}
			case !stopping:
				stopping = true
				logger.Info("stopping: waiting for running jobs", "signal", sig.String(), "grace", c.Duration("grace").String())
				cancel()
			default:
				logger.Warn("second signal: cancelling running jobs", "signal", sig.String())
				d.CancelRuns()
			}
		case <-done:
			if srv != nil {
				sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
				_ = srv.Shutdown(sctx)
				scancel()
			}
			logger.Info("schedule stopped")
			return nil
		}
	}
}

// listJobs prints each job's next three run times, or its webhook trigger.
func listJobs(w io.Writer, cfg *schedule.Config, now time.Time) {
	for _, j := range cfg.Jobs {
		fmt.Fprintf(w, "%s (%s)\n", j.Name, j.Script)
		if j.Schedule != nil {
			t := now
			for i := 0; i < 3; i++ {
				t = j.Schedule.Next(t)
				if t.IsZero() {
					break
				}
				fmt.Fprintf(w, "  %s   %s\n", t.Format("2006-01-02 15:04:05 -0700 MST"), j.Spec)
			}
		}
		if len(j.On) > 0 {
			path := j.Path
			if path == "" {
				path = schedule.DefaultPath
			}
			fmt.Fprintf(w, "  on %s at %s\n", strings.Join(j.On, ", "), path)
		}
	}
}

func printHistory(c *cli.Context, w io.Writer) error {
	path := c.String("history")
	if path == "" {
		return usageErrorf("--last needs --history FILE")
	}
	n := c.Int("last")
	if n < 1 {
		return usageErrorf("--last must be at least 1, got %d", n)
	}
	recs, err := schedule.ReadHistory(path, n)
	if err != nil {
		return usageErrorf("--history: %v", unwrapPathError(err))
	}
	return schedule.WriteHistoryTable(w, recs)
}
