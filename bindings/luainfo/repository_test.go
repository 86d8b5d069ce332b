package luainfo

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
)

// Infos of one repository from one call share its table, as harborapi's
// ArtifactInfos share one Repository object; the table still holds every
// field Harbor sent.
func TestInfosOfOneRepositoryShareItsTable(t *testing.T) {
	infos := seedInfos(t)["get_artifact_vulnerabilities"]
	L := lua.NewState()
	defer L.Close()
	byRepo := map[string]*lua.LTable{}
	shared := 0
	for i, info := range infos {
		raw := append([]byte(nil), info.Repository.Raw...)
		repo := Push(L, info).RawGetString("repository").(*lua.LTable)
		want, err := luaconv.DecodeJSON(L, raw)
		if err != nil {
			t.Fatal(err)
		}
		if got, w := encode(t, repo, true), encode(t, want, true); got != w {
			t.Fatalf("info %d: json.encode(info.repository)\n got %s\nwant %s", i, got, w)
		}
		name := info.Repository.Name
		if prev, ok := byRepo[name]; ok {
			if prev != repo {
				t.Errorf("info %d: repository %s has a table of its own, want the one its other infos share", i, name)
			}
			shared++
		}
		for other, tb := range byRepo {
			if other != name && tb == repo {
				t.Errorf("repositories %s and %s share a table", name, other)
			}
		}
		byRepo[name] = repo
	}
	if shared == 0 {
		t.Fatal("no two seed artifacts share a repository: the test compared nothing")
	}
	// A later call decodes its own Repository values into tables of their own.
	again := seedInfos(t)["get_artifacts"]
	if tb := Push(L, again[0]).RawGetString("repository").(*lua.LTable); tb == byRepo[again[0].Repository.Name] {
		t.Error("a second call's info got the first call's repository table")
	}
}

func TestWritingOneInfosRepositoryShowsInItsSiblings(t *testing.T) {
	infos := seedInfos(t)["get_artifacts"]
	L := lua.NewState()
	defer L.Close()
	list := L.NewTable()
	for _, info := range infos {
		list.Append(Push(L, info))
	}
	L.SetGlobal("infos", list)
	if err := L.DoString(`
		local a = infos[1]
		local sibling
		for i = 2, #infos do
			if infos[i].repository.name == a.repository.name then sibling = infos[i] break end
		end
		assert(sibling, "no second info of the first repository")
		a.repository.note = "seen"
		assert(sibling.repository.note == "seen")`); err != nil {
		t.Fatal(err)
	}
}
