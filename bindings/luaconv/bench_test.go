package luaconv

import (
	"encoding/json"
	"fmt"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// listing builds a Harbor-like artifact listing of n artifacts (~3 KB each).
func listing(n int) []any {
	arts := make([]any, n)
	for i := range arts {
		tags := []any{}
		for j := 0; j < 3; j++ {
			tags = append(tags, map[string]any{"id": float64(i*10 + j), "name": fmt.Sprintf("v1.%d.%d", i, j),
				"push_time": "2026-11-28T08:10:20.915Z", "pull_time": "0001-01-01T00:00:00.000Z", "immutable": false, "repository_id": float64(i)})
		}
		layers := []any{}
		for j := 0; j < 12; j++ {
			layers = append(layers, map[string]any{"digest": fmt.Sprintf("sha256:%064x", i*100+j), "size": float64(1000000 + j), "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip"})
		}
		arts[i] = map[string]any{
			"id": float64(i), "digest": fmt.Sprintf("sha256:%064x", i), "size": float64(123456789),
			"type": "IMAGE", "media_type": "application/vnd.oci.image.manifest.v1+json",
			"project_id": float64(1), "repository_id": float64(i), "tags": tags, "labels": nil,
			"push_time": "2026-11-28T08:10:20.915Z", "pull_time": "0001-01-01T00:00:00.000Z",
			"extra_attrs": map[string]any{"architecture": "amd64", "os": "linux", "author": nil,
				"config": map[string]any{"Env": []any{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}, "Cmd": []any{"/bin/sh"}},
				"layers": layers},
			"scan_overview": map[string]any{"application/vnd.security.vulnerability.report; version=1.1": map[string]any{
				"report_id": "5f0c", "scan_status": "Success", "severity": "High", "duration": float64(3),
				"summary":    map[string]any{"total": float64(12), "fixable": float64(8), "summary": map[string]any{"High": float64(2), "Medium": float64(10)}},
				"start_time": "2026-11-28T08:10:20.915Z", "end_time": "2026-11-28T08:10:23.915Z", "scanner": map[string]any{"name": "Trivy", "vendor": "Aqua Security", "version": "v0.56.1"}}},
			"addition_links": map[string]any{"build_history": map[string]any{"absolute": false, "href": "/api/v2.0/projects/library/repositories/alpine/artifacts/sha256:abc/additions/build_history"}},
		}
	}
	return arts
}

func BenchmarkDecodeJSON(b *testing.B) {
	data, err := json.Marshal(listing(100))
	if err != nil {
		b.Fatal(err)
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeJSON(L, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkToLua(b *testing.B) {
	var v any
	data, _ := json.Marshal(listing(100))
	if err := json.Unmarshal(data, &v); err != nil {
		b.Fatal(err)
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = ToLua(L, v)
	}
}

func BenchmarkEncodeJSON(b *testing.B) {
	data, _ := json.Marshal(listing(100))
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	v, err := DecodeJSON(L, data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := EncodeJSON(v, false, true); err != nil {
			b.Fatal(err)
		}
	}
}
