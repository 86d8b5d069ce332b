package harbortest

import (
	"net/http"
	"testing"
)

// Policy requests a script cannot make (no such policy, a duplicate name,
// a policy that could never deliver, a caller without the right) answer
// Harbor's status and message, and an accepted one reads back as sent.
func TestWebhookPolicyLifecycleAndRefusals(t *testing.T) {
	_, base := startServer(t, Options{})
	const policies = "/api/v2.0/projects/sandbox/webhook/policies"
	target := `"targets":[{"type":"http","address":"http://127.0.0.1:9/h"}]`

	wantError(t, do(t, base, "GET", "/api/v2.0/projects/library/webhook/policies", ""), 401, "UNAUTHORIZED", "unauthorized")
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/team-a/webhook/policies", "", asUser("auditor", "Audit12345")), 403, "FORBIDDEN", "forbidden")
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/library/webhook/events", "", asUser("robot$ci", "CiSecret123")), 403, "FORBIDDEN", "forbidden")
	wantError(t, do(t, base, "GET", "/api/v2.0/projects/nope/webhook/policies", "", asAdmin), 404, "NOT_FOUND", "project nope not found")
	wantError(t, do(t, base, "GET", policies+"/99", "", asAdmin), 404, "NOT_FOUND", "notificationPolicy 99 not found")
	wantError(t, do(t, base, "PUT", policies+"/99", `{"name":"x","event_types":["PUSH_ARTIFACT"],`+target+`}`, asAdmin), 404, "NOT_FOUND", "notificationPolicy 99 not found")
	wantError(t, do(t, base, "DELETE", policies+"/99", "", asAdmin), 404, "NOT_FOUND", "notificationPolicy 99 not found")

	wantError(t, do(t, base, "POST", policies, `{"name":"notify-ci","event_types":["PUSH_ARTIFACT"],`+target+`}`, asAdmin), 409, "CONFLICT", "policy notify-ci already exists")
	wantError(t, do(t, base, "POST", policies, `{"name":"x","event_types":["PUSH_ARTIFACT"]}`, asAdmin), 400, "BAD_REQUEST", "empty notification target with policy x")
	wantError(t, do(t, base, "POST", policies, `{"name":"x","event_types":["PUSHED"],`+target+`}`, asAdmin), 400, "BAD_REQUEST", "unsupported event type PUSHED")
	wantError(t, do(t, base, "PUT", policies+"/1", `{"name":"notify-ci",`+target+`}`, asAdmin), 400, "BAD_REQUEST", "empty event type")

	r := do(t, base, "POST", policies, `{"name":"new","event_types":["DELETE_ARTIFACT"],`+target+`}`, asAdmin)
	wantStatus(t, r, http.StatusCreated)
	loc := r.header.Get("Location")
	var got webhookPolicyJSON
	do(t, base, "GET", loc, "", asAdmin).decode(t, &got)
	if got.Name != "new" || !got.Enabled || len(got.Targets) != 1 || got.Targets[0].PayloadFormat != "Default" || got.ProjectID != 5 {
		t.Fatalf("created policy reads back as %+v", got)
	}
	wantStatus(t, do(t, base, "PUT", loc, `{"name":"renamed","enabled":false,"event_types":["PUSH_ARTIFACT"],`+target+`}`, asAdmin), 200)
	do(t, base, "GET", loc, "", asAdmin).decode(t, &got)
	if got.Name != "renamed" || got.Enabled || len(got.EventTypes) != 1 || got.EventTypes[0] != "PUSH_ARTIFACT" {
		t.Fatalf("updated policy reads back as %+v", got)
	}
	var all []webhookPolicyJSON
	do(t, base, "GET", policies, "", asAdmin).decode(t, &all)
	if len(all) != 2 {
		t.Fatalf("%d policies listed, want the seeded one and the new one", len(all))
	}
	wantStatus(t, do(t, base, "DELETE", loc, "", asAdmin), 200)
	wantError(t, do(t, base, "GET", loc, "", asAdmin), 404, "NOT_FOUND", "")
}
