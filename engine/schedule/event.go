package schedule

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// EventTypes are Harbor's webhook event types, by their Default names.
var EventTypes = []string{"PUSH_ARTIFACT", "PULL_ARTIFACT", "DELETE_ARTIFACT", "QUOTA_EXCEED", "QUOTA_WARNING",
	"SCANNING_FAILED", "SCANNING_STOPPED", "SCANNING_COMPLETED", "REPLICATION", "TAG_RETENTION"}

// cloudEventTypes maps CloudEvents type names to the Default names, so a
// script sees one vocabulary whatever format the policy uses.
var cloudEventTypes = map[string]string{
	"harbor.artifact.pushed":            "PUSH_ARTIFACT",
	"harbor.artifact.pulled":            "PULL_ARTIFACT",
	"harbor.artifact.deleted":           "DELETE_ARTIFACT",
	"harbor.quota.exceeded":             "QUOTA_EXCEED",
	"harbor.quota.warned":               "QUOTA_WARNING",
	"harbor.scan.failed":                "SCANNING_FAILED",
	"harbor.scan.stopped":               "SCANNING_STOPPED",
	"harbor.scan.completed":             "SCANNING_COMPLETED",
	"harbor.replication.status.changed": "REPLICATION",
	"harbor.tag_retention.finished":     "TAG_RETENTION",
}

// CloudEventType returns the CloudEvents name of a Default event type.
func CloudEventType(defaultName string) string {
	for ce, d := range cloudEventTypes {
		if d == defaultName {
			return ce
		}
	}
	return ""
}

// CanonicalType returns the Default name of an event type given in either
// format; unknown names come back unchanged.
func CanonicalType(name string) string {
	if d, ok := cloudEventTypes[name]; ok {
		return d
	}
	return strings.ToUpper(name)
}

func knownType(name string) bool {
	for _, t := range EventTypes {
		if t == name {
			return true
		}
	}
	return false
}

// Event is one Harbor webhook delivery, in either payload format, reduced
// to the fields scripts use most; Raw keeps the whole body.
type Event struct {
	Type        string // Default name, e.g. SCANNING_COMPLETED
	Format      string // "Default" or "CloudEvents"
	ID          string // CloudEvents id, or "sha256:" of a Default body
	OccurAt     int64  // Unix seconds
	Operator    string
	Project     string
	Repository  string // without the project
	RepoFull    string // project/repository
	Tag         string
	Digest      string
	ResourceURL string
	Resources   []any
	// ScanOverview is the first resource's scan_overview (scan events).
	ScanOverview map[string]any
	// Details is custom_attributes.Details (quota events).
	Details string
	Data    map[string]any
	Raw     map[string]any
}

// EventFromJSON decodes a webhook body in Harbor's Default format
// ({type, occur_at, operator, event_data}) or as a CloudEvents 1.0
// structured event.
func EventFromJSON(data []byte) (*Event, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("event is not a JSON object: %v", err)
	}
	if dec.More() {
		return nil, errors.New("event has data after its JSON object")
	}
	normalizeNumbers(raw)
	ev := &Event{Raw: raw}
	str := func(k string) string { s, _ := raw[k].(string); return s }
	if _, ce := raw["specversion"]; ce {
		ev.Format = "CloudEvents"
		ev.ID = str("id")
		if ev.ID == "" {
			return nil, errors.New("CloudEvents event has no id")
		}
		ev.Type = CanonicalType(str("type"))
		ev.Operator = str("operator")
		if t, err := time.Parse(time.RFC3339, str("time")); err == nil {
			ev.OccurAt = t.Unix()
		}
		ev.Data, _ = raw["data"].(map[string]any)
	} else {
		ev.Format = "Default"
		sum := sha256.Sum256(data)
		ev.ID = "sha256:" + hex.EncodeToString(sum[:])
		ev.Type = str("type")
		ev.Operator = str("operator")
		if n, ok := raw["occur_at"].(float64); ok {
			ev.OccurAt = int64(n)
		}
		ev.Data, _ = raw["event_data"].(map[string]any)
	}
	if ev.Type == "" {
		return nil, errors.New("event has no type")
	}
	if ev.Data == nil {
		ev.Data = map[string]any{}
	}
	if repo, ok := ev.Data["repository"].(map[string]any); ok {
		ev.Project, _ = repo["namespace"].(string)
		ev.Repository, _ = repo["name"].(string)
		ev.RepoFull, _ = repo["repo_full_name"].(string)
	}
	if ret, ok := ev.Data["retention"].(map[string]any); ok && ev.Project == "" {
		ev.Project, _ = ret["project_name"].(string)
	}
	if ev.RepoFull == "" && ev.Project != "" && ev.Repository != "" {
		ev.RepoFull = ev.Project + "/" + ev.Repository
	}
	ev.Resources, _ = ev.Data["resources"].([]any)
	if len(ev.Resources) > 0 {
		if r, ok := ev.Resources[0].(map[string]any); ok {
			ev.Tag, _ = r["tag"].(string)
			ev.Digest, _ = r["digest"].(string)
			ev.ResourceURL, _ = r["resource_url"].(string)
			ev.ScanOverview, _ = r["scan_overview"].(map[string]any)
		}
	}
	// A pull by digest reports the digest as the tag.
	if strings.HasPrefix(ev.Tag, "sha256:") {
		ev.Tag = ""
	}
	if ca, ok := ev.Data["custom_attributes"].(map[string]any); ok {
		ev.Details, _ = ca["Details"].(string)
	}
	return ev, nil
}

// normalizeNumbers turns json.Number into float64 (what Lua holds).
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	}
	return v
}

// Table is the event as scripts see it (the global event and arg.event).
func (e *Event) Table() map[string]any {
	t := map[string]any{
		"type": e.Type, "format": e.Format, "id": e.ID, "occur_at": float64(e.OccurAt),
		"time":     time.Unix(e.OccurAt, 0).UTC().Format(time.RFC3339),
		"operator": e.Operator, "data": e.Data, "raw": e.Raw,
	}
	set := func(k, v string) {
		if v != "" {
			t[k] = v
		}
	}
	set("project", e.Project)
	set("repository", e.Repository)
	set("repo_full_name", e.RepoFull)
	set("tag", e.Tag)
	set("digest", e.Digest)
	set("resource_url", e.ResourceURL)
	set("details", e.Details)
	if e.Resources != nil {
		t["resources"] = e.Resources
	}
	if e.ScanOverview != nil {
		t["scan_overview"] = e.ScanOverview
		if sum := overviewSummary(e.ScanOverview); sum != nil {
			t["severity"], t["summary"] = sum.severity, sum.counts
		}
	}
	return t
}

type scanSummary struct {
	severity string
	counts   map[string]any
}

// overviewSummary picks the vulnerability report among the overview's MIME
// types, so scripts need not know their names.
func overviewSummary(ov map[string]any) *scanSummary {
	keys := make([]string, 0, len(ov))
	for k := range ov {
		keys = append(keys, k)
	}
	// Harbor lists the same report under two MIME types; prefer the
	// generic vulnerability report so the choice does not depend on map order.
	sort.Slice(keys, func(i, j int) bool {
		vi, vj := strings.Contains(keys[i], "security.vulnerability"), strings.Contains(keys[j], "security.vulnerability")
		if vi != vj {
			return vi
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		rep, ok := ov[k].(map[string]any)
		if !ok {
			continue
		}
		sev, _ := rep["severity"].(string)
		out := &scanSummary{severity: sev, counts: map[string]any{}}
		if s, ok := rep["summary"].(map[string]any); ok {
			if c, ok := s["summary"].(map[string]any); ok {
				out.counts = c
			}
		}
		return out
	}
	return nil
}

// InstallEvent makes ev the global event and arg.event of L.
func InstallEvent(L *lua.LState, ev *Event) error {
	v, err := luaconv.ToLuaE(L, ev.Table())
	if err != nil {
		return fmt.Errorf("converting the event: %w", err)
	}
	L.SetGlobal("event", v)
	argt, ok := L.GetGlobal("arg").(*lua.LTable)
	if !ok {
		argt = L.NewTable()
		L.SetGlobal("arg", argt)
	}
	argt.RawSetString("event", v)
	return nil
}
