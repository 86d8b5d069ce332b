package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/harborscript/harborscript/harbor/harbortest"
)

func demoServerCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo-server",
		Usage: "serve the simulated Harbor in the foreground until Ctrl-C",
		Description: "Without --size the server holds the demo registry (the one --demo uses);\n" +
			"with --size it holds a generated registry of P projects, R repositories per\n" +
			"project and A artifacts per repository, each with --vulns vulnerabilities.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:0", Usage: "address to listen on (port 0 picks a free one)"},
			&cli.StringFlag{Name: "size", Usage: "generate a registry of `PxRxA` (e.g. 10x20x30)"},
			&cli.IntFlag{Name: "vulns", Value: 20, Usage: "vulnerabilities per report of a generated registry"},
			&cli.DurationFlag{Name: "latency", Usage: "delay added to every request (e.g. 2ms)"},
		},
		Action: demoServerAction,
	}
}

func demoServerAction(c *cli.Context) error {
	if c.NArg() > 0 {
		return usageErrorf("demo-server takes no arguments, got %q", c.Args().First())
	}
	opts := harbortest.Options{Latency: c.Duration("latency")}
	if opts.Latency < 0 {
		return usageErrorf("--latency must not be negative")
	}
	if s := c.String("size"); s != "" {
		spec, err := parseSize(s)
		if err != nil {
			return err
		}
		if c.Int("vulns") < 0 {
			return usageErrorf("--vulns must not be negative")
		}
		spec.VulnsPerReport = c.Int("vulns")
		opts.Dataset = harbortest.Generate(spec)
	}
	// Listen for signals before announcing the URL, so a caller that stops
	// the server as soon as it has read the URL is handled cleanly.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)

	srv := harbortest.New(opts)
	url, err := srv.Listen(c.String("addr"))
	if err != nil {
		return usageErrorf("--addr %q: %v", c.String("addr"), err)
	}
	defer srv.Close()
	basic := base64.StdEncoding.EncodeToString([]byte(harbortest.AdminUser + ":" + harbortest.AdminPassword))
	out := c.App.Writer
	fmt.Fprintf(out, "Harbor simulator listening on %s (user %s, password %s)\n", url, harbortest.AdminUser, harbortest.AdminPassword)
	fmt.Fprintf(out, "export %s=%s %s=%s\n", envURL, url, envCredentials, basic)
	if f, ok := out.(*os.File); ok {
		_ = f.Sync()
	}
	<-sig
	fmt.Fprintln(c.App.ErrWriter, "stopping the simulator")
	return nil
}

// parseSize reads PxRxA.
func parseSize(s string) (harbortest.GenSpec, error) {
	parts := strings.Split(strings.ToLower(s), "x")
	bad := usageErrorf("--size must be PxRxA (projects x repositories per project x artifacts per repository), e.g. 10x20x30; got %q", s)
	if len(parts) != 3 {
		return harbortest.GenSpec{}, bad
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 1 {
			return harbortest.GenSpec{}, bad
		}
		n[i] = v
	}
	return harbortest.GenSpec{Projects: n[0], ReposPerProject: n[1], ArtifactsPerRepo: n[2], Seed: 1}, nil
}
