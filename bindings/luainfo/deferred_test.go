package luainfo

import (
	"context"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
	"github.com/harborscript/harborscript/harbor/harbortest"
)

// seedInfos are the seed registry's infos, with and without reports.
func seedInfos(t *testing.T) map[string][]*ext.ArtifactInfo {
	t.Helper()
	srv := harbortest.New(harbortest.Options{})
	url := srv.Start()
	t.Cleanup(srv.Close)
	c, err := harbor.New(harbor.Options{URL: url, Username: harbortest.AdminUser, Secret: harbortest.AdminPassword})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	out := map[string][]*ext.ArtifactInfo{}
	var errs []error
	out["get_artifacts"], errs = ext.GetArtifacts(context.Background(), c, ext.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	out["get_artifact_vulnerabilities"], errs = ext.GetArtifactVulnerabilities(context.Background(), c, ext.Options{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	return out
}

func encode(t *testing.T, v lua.LValue, sorted bool) string {
	t.Helper()
	b, err := luaconv.EncodeJSON(v, false, sorted)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The artifact's bulky members are built on first read; every way of
// looking at the table must still give what decoding it at once gave.
func TestDeferredArtifactEncodesAsDecodedAtOnce(t *testing.T) {
	deferredSeen := 0
	for call, infos := range seedInfos(t) {
		if len(infos) < 10 {
			t.Fatalf("%s: %d infos from the seed registry, want at least 10", call, len(infos))
		}
		L := lua.NewState()
		for i, info := range infos {
			raw := append([]byte(nil), info.Artifact.Raw...)
			it := Push(L, info)
			art := it.RawGetString("artifact").(*lua.LTable)
			if art.RawGetString("extra_attrs") == lua.LNil && art.RawGetString("tags") == lua.LNil {
				deferredSeen++
			}
			for _, sorted := range []bool{true, false} {
				want, err := luaconv.DecodeJSON(L, raw)
				if err != nil {
					t.Fatal(err)
				}
				// Iteration order shows in json.encode without sort_keys.
				if got, w := encode(t, art, sorted), encode(t, want, sorted); got != w {
					t.Fatalf("%s: info %d: json.encode(info.artifact), sorted %v:\n got %s\nwant %s", call, i, sorted, got, w)
				}
			}
		}
		L.Close()
	}
	if deferredSeen == 0 {
		t.Error("no artifact deferred any member: the test compared nothing lazy")
	}
}

func TestDeferredArtifactReadsLikeAPlainTable(t *testing.T) {
	infos := seedInfos(t)["get_artifact_vulnerabilities"]
	L := lua.NewState()
	defer L.Close()
	var withConfig *ext.ArtifactInfo
	for _, info := range infos {
		if cfg, ok := info.Artifact.ExtraAttrs["config"].(map[string]any); ok && cfg["Cmd"] != nil {
			withConfig = info
			break
		}
	}
	if withConfig == nil {
		t.Fatal("no seed artifact has extra_attrs.config.Cmd")
	}
	cmd := withConfig.Artifact.ExtraAttrs["config"].(map[string]any)["Cmd"].([]any)[0].(string)
	tag := withConfig.Artifact.Tags[0].Name
	L.SetGlobal("info", Push(L, withConfig))
	if err := L.DoString(`
		local a = info.artifact
		assert(rawget(a, "extra_attrs") == nil, "extra_attrs is built before any read")
		cmd = a.extra_attrs.config.Cmd[1]
		tag = a.tags[1].name
		assert(rawget(a, "tags") == a.tags)
		assert(getmetatable(a) == nil, "a built artifact keeps its lazy metatable")
		digest = a.digest`); err != nil {
		t.Fatal(err)
	}
	if got := L.GetGlobal("cmd").String(); got != cmd {
		t.Errorf("info.artifact.extra_attrs.config.Cmd[1] = %q, want %q", got, cmd)
	}
	if got := L.GetGlobal("tag").String(); got != tag {
		t.Errorf("info.artifact.tags[1].name = %q, want %q", got, tag)
	}
	if got := L.GetGlobal("digest").String(); got != withConfig.Artifact.Digest {
		t.Errorf("info.artifact.digest = %q, want %q", got, withConfig.Artifact.Digest)
	}
}

// FromLua, which request bodies and log fields go through, builds the
// deferred members too.
func TestDeferredArtifactConvertsToGo(t *testing.T) {
	infos := seedInfos(t)["get_artifacts"]
	L := lua.NewState()
	defer L.Close()
	info := infos[0]
	tags := len(info.Artifact.Tags)
	it := Push(L, info)
	v, err := luaconv.FromLua(it.RawGetString("artifact"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := v.(map[string]any)["tags"].([]any)
	if len(got) != tags {
		t.Errorf("FromLua(info.artifact).tags has %d tags, want %d", len(got), tags)
	}
}
