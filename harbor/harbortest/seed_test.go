package harbortest

import "testing"

// Servers seeded from the same data share none of what they change: a
// delete, a new tag, a label or a metadata change in one leaves the other
// as seeded.
func TestServersDoNotShareChanges(t *testing.T) {
	_, a := startServer(t, Options{})
	art := "/api/v2.0/projects/library/repositories/alpine/artifacts/latest"
	wantStatus(t, do(t, a, "POST", art+"/tags", `{"name":"only-in-a"}`, asAdmin), 201)
	wantStatus(t, do(t, a, "POST", art+"/labels", `{"id":2}`, asAdmin), 200)
	wantStatus(t, do(t, a, "PUT", "/api/v2.0/projects/library", `{"metadata":{"auto_scan":"true"}}`, asAdmin), 200)
	wantStatus(t, do(t, a, "DELETE", "/api/v2.0/projects/library/repositories/busybox", "", asAdmin), 200)

	_, b := startServer(t, Options{})
	wantError(t, do(t, b, "GET", art[:len(art)-len("latest")]+"only-in-a", "", asAdmin), 404, "NOT_FOUND", "")
	var got struct {
		Labels []struct{ ID int64 }
	}
	do(t, b, "GET", art+"?with_label=true", "", asAdmin).decode(t, &got)
	if len(got.Labels) != 1 || got.Labels[0].ID != 1 {
		t.Errorf("labels in a second server: %+v, want only the seeded label 1", got.Labels)
	}
	var meta map[string]string
	do(t, b, "GET", "/api/v2.0/projects/library/metadatas", "", asAdmin).decode(t, &meta)
	if _, ok := meta["auto_scan"]; ok {
		t.Errorf("metadata of a second server: %v", meta)
	}
	wantStatus(t, do(t, b, "GET", "/api/v2.0/projects/library/repositories/busybox", "", asAdmin), 200)
}
