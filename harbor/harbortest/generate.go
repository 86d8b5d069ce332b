package harbortest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"time"
)

// GenSpec sizes a generated registry for benchmarks.
type GenSpec struct {
	Projects         int
	ReposPerProject  int
	ArtifactsPerRepo int
	VulnsPerReport   int
	Seed             int64
}

var genSeverities = []string{"Critical", "High", "Medium", "Low", "Low", "Medium"}
var genPackages = []string{"openssl", "libssl3", "busybox", "zlib1g", "libc6", "curl", "golang.org/x/net", "log4j-core"}

// Generate builds a deterministic registry of the given size: the same spec
// gives the same data. Projects alternate public and private; every artifact
// is tagged, every third has a second tag, and all are scanned. Reports are
// drawn from a shared pool so large sizes stay cheap to build and serve.
func Generate(g GenSpec) *Dataset {
	rng := rand.New(rand.NewSource(g.Seed))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	d := &Dataset{ReferenceTime: base.AddDate(1, 0, 0)}
	d.Users = []*User{{ID: 1, Username: AdminUser, Password: AdminPassword, Realname: "system admin", Comment: "admin user",
		Sysadmin: true, CreationTime: base, UpdateTime: base}}
	pool := make([][]*Vulnerability, 16)
	for i := range pool {
		for j := 0; j < g.VulnsPerReport; j++ {
			score := float64(rng.Intn(90)+10) / 10
			v := &Vulnerability{
				ID:       fmt.Sprintf("CVE-%d-%04d", 2019+rng.Intn(7), rng.Intn(10000)),
				Package:  genPackages[rng.Intn(len(genPackages))],
				Version:  fmt.Sprintf("1.%d.%d-r%d", rng.Intn(5), rng.Intn(20), rng.Intn(9)),
				Severity: genSeverities[rng.Intn(len(genSeverities))], ScoreV3: &score,
				VectorV3:    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
				Description: "generated finding",
			}
			if rng.Intn(3) > 0 {
				v.FixVersion = v.Version + "1"
			}
			pool[i] = append(pool[i], v)
		}
	}
	extra := json.RawMessage(`{"architecture":"amd64","author":"","config":{},"created":"2026-01-01T00:00:00Z","os":"linux"}`)
	var repoID, artID, tagID int64
	for p := 1; p <= g.Projects; p++ {
		proj := &Project{ID: int64(p), Name: fmt.Sprintf("project-%03d", p), Owner: AdminUser,
			Metadata: map[string]string{"public": fmt.Sprint(p%2 == 1)}, CreationTime: base, UpdateTime: base}
		for r := 1; r <= g.ReposPerProject; r++ {
			repoID++
			created := base.Add(time.Duration(rng.Intn(300*24)) * time.Hour)
			repo := &Repository{ID: repoID, Name: fmt.Sprintf("repo-%03d", r), CreationTime: created, UpdateTime: created,
				PullCount: int64(rng.Intn(100))}
			for a := 1; a <= g.ArtifactsPerRepo; a++ {
				artID++
				sum := sha256.Sum256([]byte(fmt.Sprintf("%d/%d/%d/%d", g.Seed, p, r, a)))
				push := created.Add(time.Duration(a) * time.Hour)
				art := &Artifact{ID: artID, Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: int64(1<<20 + rng.Intn(1<<24)),
					Type: "IMAGE", MediaType: "application/vnd.oci.image.config.v1+json",
					ManifestMediaType: "application/vnd.oci.image.manifest.v1+json", ArtifactType: "application/vnd.oci.image.config.v1+json",
					PushTime: push, ExtraAttrs: extra, Vulnerabilities: pool[rng.Intn(len(pool))],
					Scan: &Scan{ReportID: fmt.Sprintf("report-%d", artID), Status: "Success", StartTime: push, EndTime: push.Add(5 * time.Second)}}
				tagID++
				art.Tags = []*Tag{{ID: tagID, Name: fmt.Sprintf("v%d", a), PushTime: push}}
				if a%3 == 0 {
					tagID++
					art.Tags = append(art.Tags, &Tag{ID: tagID, Name: fmt.Sprintf("build-%d", a), PushTime: push})
				}
				repo.Artifacts = append(repo.Artifacts, art)
			}
			proj.Repositories = append(proj.Repositories, repo)
		}
		d.Projects = append(d.Projects, proj)
	}
	return d
}
