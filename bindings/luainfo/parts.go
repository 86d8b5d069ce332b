package luainfo

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/harbor"
)

// Harbor names every artifact in its findings (artifact_digests), so the
// findings of two artifacts are never identical and cannot share a table.
// Their parts can: a CVE has the same links, CWE ids and CVSS scores in every
// report, all findings of one report name the same digests, and package
// names, versions and severities repeat throughout. In gopher-lua a table
// with string keys costs about a kilobyte and every string stored in a table
// a 16-byte box, so a kept sweep of 500,000 findings is dominated by these
// copies. As with shared findings, a script that writes into one of these
// tables changes it wherever it appears.

const (
	partCapacity  = 1 << 12
	shortString   = 128 // longer strings are rarely repeated byte for byte
	stringEntries = 1 << 13
)

// partCache is bounded: when a map is full it starts over, which only costs
// sharing, so a stream keeps at most a few thousand small tables alive.
type partCache struct {
	strs  map[string]lua.LValue
	lists map[string]*lua.LTable
	cvss  map[cvssKey]*lua.LTable
}

type cvssKey struct {
	v3, v2           string
	scoreV3, scoreV2 float64
	flags            uint8
}

// str is s as a Lua value, boxed once per distinct short string.
func (p *partCache) str(s string) lua.LValue {
	if len(s) > shortString {
		return lua.LString(s)
	}
	if v, ok := p.strs[s]; ok {
		return v
	}
	if p.strs == nil || len(p.strs) >= stringEntries {
		p.strs = make(map[string]lua.LValue, 256)
	}
	v := lua.LValue(lua.LString(s))
	p.strs[s] = v
	return v
}

// list is StringList, shared between lists with the same elements.
func (p *partCache) list(L *lua.LState, ss []string) *lua.LTable {
	k := strconv.Itoa(len(ss)) + "\x00" + strings.Join(ss, "\x00")
	if t, ok := p.lists[k]; ok {
		return t
	}
	t := L.CreateTable(len(ss), 0)
	for _, s := range ss {
		t.Append(p.str(s))
	}
	if len(ss) == 0 {
		_ = luaconv.MarkArray(L, t)
	}
	if p.lists == nil || len(p.lists) >= partCapacity {
		p.lists = make(map[string]*lua.LTable, 64)
	}
	p.lists[k] = t
	return t
}

func (p *partCache) cvssTable(L *lua.LState, c *harbor.CVSSDetails) *lua.LTable {
	k := cvssKey{v3: c.VectorV3, v2: c.VectorV2}
	if c.ScoreV3 != nil {
		k.flags |= hasV3
		k.scoreV3 = *c.ScoreV3
	}
	if c.ScoreV2 != nil {
		k.flags |= hasV2
		k.scoreV2 = *c.ScoreV2
	}
	if t, ok := p.cvss[k]; ok {
		return t
	}
	t := L.CreateTable(0, 4)
	if c.ScoreV3 != nil {
		t.RawSetString("score_v3", lua.LNumber(*c.ScoreV3))
	}
	if c.ScoreV2 != nil {
		t.RawSetString("score_v2", lua.LNumber(*c.ScoreV2))
	}
	t.RawSetString("vector_v3", p.str(c.VectorV3))
	t.RawSetString("vector_v2", p.str(c.VectorV2))
	if p.cvss == nil || len(p.cvss) >= partCapacity {
		p.cvss = make(map[cvssKey]*lua.LTable, 64)
	}
	p.cvss[k] = t
	return t
}
