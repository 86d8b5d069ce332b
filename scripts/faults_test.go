package scripts_test

import (
	"testing"

	"github.com/harborscript/harborscript/harbor/harbortest"
)

// failArtifactListing makes every artifact listing of one repository answer
// status, so a script's failure reporting can be seen.
func failArtifactListing(project, repo string, status int) func(t *testing.T, e *env) {
	return func(t *testing.T, e *env) {
		e.srv.Fail(harbortest.FailRule{
			Method: "GET",
			Path:   "^/api/v2.0/projects/" + project + "/repositories/" + repo + "/artifacts$",
			Status: status,
		})
	}
}
