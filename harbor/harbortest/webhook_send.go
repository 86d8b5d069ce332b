package harbortest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// More event types a test can record with Notify; the simulator itself
// emits only pushes, deletions and completed scans.
const (
	EventScanningFailed = "SCANNING_FAILED"
	EventQuotaExceed    = "QUOTA_EXCEED"
	EventQuotaWarning   = "QUOTA_WARNING"
	EventPullArtifact   = "PULL_ARTIFACT"
)

// cloudEventNames are the CloudEvents type names Harbor uses.
var cloudEventNames = map[string]string{
	"PUSH_ARTIFACT":      "harbor.artifact.pushed",
	"PULL_ARTIFACT":      "harbor.artifact.pulled",
	"DELETE_ARTIFACT":    "harbor.artifact.deleted",
	"QUOTA_EXCEED":       "harbor.quota.exceeded",
	"QUOTA_WARNING":      "harbor.quota.warned",
	"SCANNING_FAILED":    "harbor.scan.failed",
	"SCANNING_STOPPED":   "harbor.scan.stopped",
	"SCANNING_COMPLETED": "harbor.scan.completed",
	"REPLICATION":        "harbor.replication.status.changed",
	"TAG_RETENTION":      "harbor.tag_retention.finished",
}

// WebhookSender delivers the simulator's events to the targets of its
// projects' webhook policies, as Harbor does: one POST per policy target,
// the policy's auth_header verbatim as Authorization, Default or
// CloudEvents payloads, 3 s timeout, no retries.
type WebhookSender struct {
	s      *Server
	client *http.Client

	mu      sync.Mutex
	pending int        // events recorded whose delivery has not finished
	idle    *sync.Cond // on mu, broadcast when pending drops to 0
}

// SendWebhooks starts delivering every event recorded from now on.
func (s *Server) SendWebhooks() *WebhookSender {
	w := &WebhookSender{s: s, client: &http.Client{Timeout: 3 * time.Second}}
	w.idle = sync.NewCond(&w.mu)
	s.mu.Lock()
	s.subscribers = append(s.subscribers, w.enqueue)
	s.mu.Unlock()
	return w
}

// enqueue counts the event while the server records it, before delivery
// starts, so that Wait covers every event recorded before it was called.
// It runs with the server's lock held; the delivery reads the policies,
// so it runs on a goroutine of its own.
func (w *WebhookSender) enqueue(ev Event) {
	w.mu.Lock()
	w.pending++
	w.mu.Unlock()
	go func() {
		w.deliver(ev)
		w.mu.Lock()
		if w.pending--; w.pending == 0 {
			w.idle.Broadcast()
		}
		w.mu.Unlock()
	}()
}

// Wait blocks until every event recorded so far has been delivered to all
// its targets and they have answered (or the request failed).
func (w *WebhookSender) Wait() {
	w.mu.Lock()
	for w.pending > 0 {
		w.idle.Wait()
	}
	w.mu.Unlock()
}

func (w *WebhookSender) deliver(ev Event) {
	for _, p := range w.s.policiesOf(ev.Project) {
		if !p.Enabled || !slices.Contains(p.EventTypes, ev.Type) {
			continue
		}
		for _, t := range p.Targets {
			if t.Type != "http" {
				continue
			}
			w.send(p, t, ev)
		}
	}
}

// send makes one delivery. Like Harbor's, a failed delivery is not retried,
// and nothing reports it but the receiver's silence.
func (w *WebhookSender) send(p WebhookPolicy, t WebhookTarget, ev Event) {
	body, ctype, err := w.s.WebhookPayload(ev, t.PayloadFormat, p.ID)
	if err != nil {
		return
	}
	req, err := http.NewRequest(http.MethodPost, t.Address, bytes.NewReader(body))
	if err != nil {
		return
	}
	if t.AuthHeader != "" {
		req.Header.Set("Authorization", t.AuthHeader)
	}
	req.Header.Set("Content-Type", ctype)
	if resp, err := w.client.Do(req); err == nil {
		resp.Body.Close()
	}
}

// WebhookPayload renders ev as Harbor would send it to a target of the
// given payload format ("Default" or "CloudEvents") of policy policyID,
// and returns the body and its Content-Type.
func (s *Server) WebhookPayload(ev Event, format string, policyID int64) ([]byte, string, error) {
	data := s.eventData(ev)
	switch format {
	case "", "Default":
		body, err := json.Marshal(struct {
			Type      string         `json:"type"`
			OccurAt   int64          `json:"occur_at"`
			Operator  string         `json:"operator"`
			EventData map[string]any `json:"event_data"`
		}{ev.Type, ev.OccurAt.Unix(), ev.Operator, data})
		return body, "application/json", err
	case "CloudEvents":
		name, ok := cloudEventNames[ev.Type]
		if !ok {
			return nil, "", fmt.Errorf("no CloudEvents name for %s", ev.Type)
		}
		body, err := json.Marshal(struct {
			SpecVersion     string         `json:"specversion"`
			ID              string         `json:"id"`
			Source          string         `json:"source"`
			Type            string         `json:"type"`
			DataContentType string         `json:"datacontenttype"`
			Time            string         `json:"time"`
			Data            map[string]any `json:"data"`
			Operator        string         `json:"operator"`
			RequestID       string         `json:"requestid"`
		}{"1.0", eventID(ev, policyID), "/projects/" + strconv.FormatInt(ev.ProjectID, 10) + "/webhook/policies/" + strconv.FormatInt(policyID, 10),
			name, "application/json", ev.OccurAt.UTC().Format(time.RFC3339), data, ev.Operator, ev.RequestID})
		return body, "application/cloudevents+json", err
	}
	return nil, "", fmt.Errorf("unknown payload format %q", format)
}

// eventID is stable per event and policy, so a resent delivery keeps its
// id as Harbor's retries do.
func eventID(ev Event, policyID int64) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s|%d|%s|%s|%s|%d|%s", ev.Type, ev.OccurAt.UnixNano(), ev.Project, ev.Repository, ev.Digest, policyID, ev.RequestID)))
	return uuidFromHex(hex.EncodeToString(h[:16]))
}

// eventData builds event_data with the shapes of Harbor's captured
// deliveries: repository, resources (with scan_overview for scan events),
// scan, custom_attributes for quota events.
func (s *Server) eventData(ev Event) map[string]any {
	host := strings.TrimPrefix(strings.TrimPrefix(s.URL(), "http://"), "https://")
	s.mu.RLock()
	defer s.mu.RUnlock()
	repoType := "private"
	if ev.Public {
		repoType = "public"
	}
	repo := map[string]any{"name": ev.Repository, "namespace": ev.Project,
		"repo_full_name": ev.Project + "/" + ev.Repository, "repo_type": repoType}
	var art *Artifact
	if p := s.projectNamed(ev.Project); p != nil {
		if r := findRepo(p, ev.Repository); r != nil {
			if ev.Type == EventPushArtifact || ev.Type == EventPullArtifact {
				repo["date_created"] = r.CreationTime.Unix()
			}
			art = findArtifact(r, ev.Digest)
		}
	}
	data := map[string]any{"repository": repo}
	res := map[string]any{"digest": ev.Digest, "tag": ev.Tag,
		"resource_url": host + "/" + ev.Project + "/" + ev.Repository + ":" + ev.Tag}
	switch ev.Type {
	case EventScanningCompleted, EventScanningFailed, "SCANNING_STOPPED":
		ov := map[string]any{}
		if art != nil {
			if o, ok := s.overview(art); ok {
				if ev.Type == EventScanningFailed {
					o.ScanStatus = "Error"
					o.Summary = nil
				}
				ov[MimeGenericReport] = o
				ov[MimeNativeReport] = o
			}
		}
		res["scan_overview"] = ov
		data["resources"] = []any{res}
		data["scan"] = map[string]any{"scan_type": "vulnerability"}
	case EventQuotaExceed, EventQuotaWarning:
		msg := "quota usage reach 85%: resource storage used of project " + ev.Project
		if ev.Type == EventQuotaExceed {
			msg = "adding storage resource to project " + ev.Project + " will exceed the configured upper limit."
		}
		data["custom_attributes"] = map[string]any{"Details": msg}
	default:
		data["resources"] = []any{res}
	}
	return data
}

// Notify records ev as if Harbor had raised it and delivers it to
// subscribers; OccurAt defaults to now.
func (s *Server) Notify(ev Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev.OccurAt.IsZero() {
		ev.OccurAt = s.now()
	}
	if ev.ProjectID == 0 {
		if p := s.projectNamed(ev.Project); p != nil {
			ev.ProjectID, ev.Public = p.ID, isPublic(p)
		}
	}
	if ev.RequestID == "" {
		ev.RequestID = newUUID()
	}
	s.record(ev)
}

// Push simulates "docker push project/repository:tag" by admin: a new
// image artifact (the repository is created if needed) and a
// PUSH_ARTIFACT event. It returns the artifact's digest.
func (s *Server) Push(project, repository, tag string) (string, error) {
	if project == "" || repository == "" || tag == "" {
		return "", errors.New("push: project, repository and tag are required")
	}
	s.mu.Lock()
	p := s.projectNamed(project)
	if p == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("push: project %q not found", project)
	}
	now := s.now()
	r := s.pushRepo(p, repository, now)
	sum := sha256.Sum256([]byte(project + "/" + repository + ":" + tag + "@" + now.Format(time.RFC3339Nano) + randomHex(8)))
	a := &Artifact{ID: s.newID("artifact"), Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: 1024, Type: "IMAGE",
		MediaType: "application/vnd.oci.image.config.v1+json", ManifestMediaType: "application/vnd.oci.image.manifest.v1+json",
		PushTime: now, PullTime: zeroTime}
	// A tag moves to the new artifact, as a push of an existing tag does.
	for _, other := range r.Artifacts {
		for i, t := range other.Tags {
			if t.Name == tag {
				other.Tags = append(other.Tags[:i], other.Tags[i+1:]...)
				break
			}
		}
	}
	a.Tags = []*Tag{{ID: s.newID("tag"), Name: tag, PushTime: now, PullTime: zeroTime}}
	r.Artifacts = append(r.Artifacts, a)
	r.UpdateTime = now
	ev := Event{Type: EventPushArtifact, OccurAt: now, Operator: AdminUser, ProjectID: p.ID, Project: p.Name,
		Repository: r.Name, Digest: a.Digest, Tag: tag, Public: isPublic(p)}
	s.mu.Unlock()
	s.Notify(ev)
	return a.Digest, nil
}
