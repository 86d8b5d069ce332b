package main

import (
	"context"
	"sync"

	"github.com/harborscript/harborscript/harbor"
)

// discardSweep makes the requests of a vulnerability sweep (repositories,
// artifacts, then every report) and throws the answers away undecoded.
// Its peak memory is what the simulator and the HTTP transport cost on
// their own, the floor under any client-side measurement in this process.
func discardSweep(ctx context.Context, c *harbor.Client, workers int) (artifacts int, failures int, err error) {
	repos, err := c.GetRepositories(ctx, "", harbor.ListOptions{})
	if err != nil {
		return 0, 0, err
	}
	type ref struct{ project, repo, digest string }
	refs := make(chan ref)
	var (
		mu     sync.Mutex
		failed int
		wg     sync.WaitGroup
	)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range refs {
				if _, err := c.Do(ctx, harbor.VulnerabilitiesRequest(r.project, r.repo, r.digest)); err != nil {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		}()
	}
	for _, r := range repos {
		project, base := harbor.SplitRepositoryName(r.Name)
		arts, err := c.GetArtifacts(ctx, project, base, harbor.DefaultArtifactOptions, harbor.ListOptions{})
		if err != nil {
			failed++
			continue
		}
		for _, a := range arts {
			artifacts++
			refs <- ref{project, base, a.Digest}
		}
	}
	close(refs)
	wg.Wait()
	return artifacts, failed, nil
}
