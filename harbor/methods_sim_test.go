package harbor_test

import (
	"context"
	"testing"

	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

// The everyday calls against the simulator, which answers as Harbor does.
func TestEverydayMethodsAgainstSimulator(t *testing.T) {
	srv := harbortest.New(harbortest.Options{})
	url := srv.Start()
	defer srv.Close()
	for _, auth := range []string{"basic", "session"} {
		t.Run(auth, func(t *testing.T) {
			c, err := harbor.New(harbor.Options{URL: url + "/api/v2.0/", Username: harbortest.AdminUser, Secret: harbortest.AdminPassword, Auth: auth})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			ctx := context.Background()
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			projects, err := c.GetProjects(ctx, harbor.ListOptions{})
			must(err)
			if len(projects) != 5 {
				t.Errorf("projects: %d, want 5 (private ones included)", len(projects))
			}
			p, err := c.GetProject(ctx, "mirrors")
			must(err)
			if p.ProjectID != 2 || p.Metadata == nil || p.Metadata.Public != "false" {
				t.Errorf("mirrors: %+v", p)
			}
			name := "scratch-" + auth
			loc, err := c.CreateProject(ctx, &harbor.ProjectReq{ProjectName: name})
			must(err)
			if loc == "" {
				t.Error("CreateProject returned no Location")
			}
			repos, err := c.GetRepositories(ctx, "mirrors", harbor.ListOptions{})
			must(err)
			if len(repos) != 3 {
				t.Errorf("mirrors repositories: %d", len(repos))
			}
			r, err := c.GetRepository(ctx, "mirrors", "team/app")
			must(err)
			if r.Name != "mirrors/team/app" || r.BaseName() != "team/app" || r.ProjectName() != "mirrors" {
				t.Errorf("nested repository: %+v", r)
			}
			arts, err := c.GetArtifacts(ctx, "library", "alpine", harbor.DefaultArtifactOptions, harbor.ListOptions{})
			must(err)
			if len(arts) != 2 {
				t.Fatalf("alpine artifacts: %d", len(arts))
			}
			a, err := c.GetArtifact(ctx, "library", "alpine", "latest", harbor.DefaultArtifactOptions)
			must(err)
			if a.Scan() == nil || a.Scan().ScanStatus != "Success" || len(a.Labels) != 1 || len(a.TagNames()) != 2 {
				t.Errorf("alpine:latest: %+v", a)
			}
			rep, err := c.GetArtifactVulnerabilities(ctx, "library", "alpine", "latest")
			must(err)
			if rep == nil || len(rep.Vulnerabilities) != 3 {
				t.Errorf("report: %+v", rep)
			}
			if rep, err := c.GetArtifactVulnerabilities(ctx, "library", "busybox", "latest"); err != nil || rep != nil {
				t.Errorf("unscanned artifact: %+v, %v", rep, err)
			}
			// Copy into the new project, tag, untag, label, scan, delete.
			_, err = c.CopyArtifact(ctx, name, "alpine", "library/alpine:latest")
			must(err)
			must(c.CreateArtifactTag(ctx, name, "alpine", a.Digest, "copied"))
			tags, err := c.GetArtifactTags(ctx, name, "alpine", a.Digest, harbor.ListOptions{})
			must(err)
			if len(tags) < 1 {
				t.Errorf("tags after create: %+v", tags)
			}
			must(c.DeleteArtifactTag(ctx, name, "alpine", a.Digest, "copied"))
			must(c.AddArtifactLabel(ctx, name, "alpine", a.Digest, 1))
			must(c.ScanArtifact(ctx, name, "alpine", a.Digest))
			must(c.DeleteArtifact(ctx, name, "alpine", a.Digest))
			if _, err := c.GetArtifact(ctx, name, "alpine", a.Digest, harbor.ArtifactOptions{}); !harbor.IsType(err, harbor.TypeNotFound) {
				t.Errorf("artifact after delete: %v", err)
			}
			if err := c.DeleteProject(ctx, name); !harbor.IsType(err, harbor.TypePreconditionFailed) {
				t.Errorf("project with a repository deleted: %v", err)
			}
			must(c.DeleteRepository(ctx, name, "alpine"))
			must(c.DeleteProject(ctx, name))
			u, err := c.GetCurrentUser(ctx)
			must(err)
			if u.Username != "admin" || !u.SysadminFlag {
				t.Errorf("current user: %+v", u)
			}
			u1, err := c.GetUser(ctx, u.UserID)
			must(err)
			if u1.Username != "admin" {
				t.Errorf("user %d: %+v", u.UserID, u1)
			}
			si, err := c.GetSystemInfo(ctx)
			must(err)
			if si.HarborVersion == "" {
				t.Errorf("systeminfo without harbor_version: %s", si.Raw)
			}
			h, err := c.HealthCheck(ctx)
			must(err)
			if h.Status != "healthy" || len(h.Components) == 0 {
				t.Errorf("health: %+v", h)
			}
		})
	}
}
