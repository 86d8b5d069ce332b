package harbortest

import (
	"testing"
)

// Deleting a global label takes it off every artifact that carried it; an
// artifact label is removed once, and a robot once deleted is gone.
func TestDeletingLabelsAndRobots(t *testing.T) {
	_, base := startServer(t, Options{})
	art := "/api/v2.0/projects/team-a/repositories/backend%252Fapi/artifacts/prod"
	labelIDs := func() []int64 {
		t.Helper()
		var a struct {
			Labels []struct{ ID int64 }
		}
		do(t, base, "GET", art+"?with_label=true", "", asAdmin).decode(t, &a)
		var ids []int64
		for _, l := range a.Labels {
			ids = append(ids, l.ID)
		}
		return ids
	}
	if ids := labelIDs(); len(ids) != 2 || ids[0] != 1 || ids[1] != 3 {
		t.Fatalf("seeded labels %v, want [1 3]", ids)
	}
	wantStatus(t, do(t, base, "DELETE", "/api/v2.0/labels/1", "", asAdmin), 200)
	wantError(t, do(t, base, "GET", "/api/v2.0/labels/1", "", asAdmin), 404, "NOT_FOUND", "label 1 not found")
	if ids := labelIDs(); len(ids) != 1 || ids[0] != 3 {
		t.Fatalf("labels after deleting label 1: %v, want [3]", ids)
	}
	wantStatus(t, do(t, base, "DELETE", art+"/labels/3", "", asAdmin), 200)
	wantError(t, do(t, base, "DELETE", art+"/labels/3", "", asAdmin), 404, "NOT_FOUND", "")
	if ids := labelIDs(); len(ids) != 0 {
		t.Fatalf("labels after removing label 3: %v, want none", ids)
	}

	wantStatus(t, do(t, base, "DELETE", "/api/v2.0/robots/1", "", asAdmin), 200)
	wantError(t, do(t, base, "GET", "/api/v2.0/robots/1", "", asAdmin), 404, "NOT_FOUND", "robot 1 not found")
	wantError(t, do(t, base, "DELETE", "/api/v2.0/robots/1", "", asAdmin), 404, "NOT_FOUND", "robot 1 not found")
}
