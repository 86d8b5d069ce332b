package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDemoServerServesUntilSignalled(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd, _, errb := command(ctx, invocation{args: []string{"demo-server", "--size", "2x3x4", "--vulns", "2", "--latency", "1ms"}})
	cmd.Stdout = nil
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(stdout)
	export := regexp.MustCompile(`^export HARBOR_URL=(http://127\.0\.0\.1:\d+) HARBOR_CREDENTIALS=(\S+)$`)
	var url, creds string
	for sc.Scan() {
		if m := export.FindStringSubmatch(sc.Text()); m != nil {
			url, creds = m[1], m[2]
			break
		}
	}
	if url == "" {
		t.Fatalf("no export line; stderr:\n%s", errb)
	}
	raw, err := base64.StdEncoding.DecodeString(creds)
	if err != nil || !strings.Contains(string(raw), ":") {
		t.Fatalf("HARBOR_CREDENTIALS %q is not base64 of user:secret", creds)
	}

	// The printed settings are enough for a script to list the generated registry.
	r := runCLI(t, invocation{
		args: []string{"run", "-e", "print(#require('harbor').default:get_projects())"},
		env:  []string{"HARBOR_URL=" + url, "HARBOR_CREDENTIALS=" + creds},
	})
	wantCode(t, r, 0)
	if r.stdout != "2\n" {
		t.Errorf("projects of a 2x3x4 registry: %q", r.stdout)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("demo-server did not stop cleanly: %v\n%s", err, errb)
	}
	if _, err := http.Get(url + "/api/v2.0/ping"); err == nil {
		t.Error("the server still answers after it stopped")
	}
}

func TestDemoServerBadSize(t *testing.T) {
	r := harborscript(t, "demo-server", "--size", "3x3")
	wantCode(t, r, 2)
	wantContains(t, "stderr", r.stderr, "--size must be PxRxA")
}
