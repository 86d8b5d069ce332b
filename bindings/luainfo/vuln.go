package luainfo

import (
	"strings"
	"weak"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/harbor"
	"github.com/harborscript/harborscript/harbor/ext"
)

// VulnTable converts one finding, adding fixable and score. The table is
// built from the fields directly: encoding each finding to JSON and decoding
// it again cost most of the time and garbage of a bulk call. The result is
// what decoding the finding's JSON gives (null members left out, empty lists
// marked as arrays). Its lists, its preferred_cvss table and its short
// strings are shared with other findings of the state that have the same
// content (see partCache).
func VulnTable(L *lua.LState, v *harbor.VulnerabilityItem) *lua.LTable {
	p := &findings(L).parts
	t := L.CreateTable(0, 14)
	t.RawSetString("id", p.str(v.ID))
	t.RawSetString("package", p.str(v.Package))
	t.RawSetString("version", p.str(v.Version))
	t.RawSetString("fix_version", p.str(v.FixVersion))
	t.RawSetString("severity", p.str(v.Severity))
	if v.Status != "" {
		t.RawSetString("status", p.str(v.Status))
	}
	t.RawSetString("description", p.str(v.Description))
	if v.Links != nil {
		t.RawSetString("links", p.list(L, v.Links))
	}
	if len(v.ArtifactDigests) > 0 {
		t.RawSetString("artifact_digests", p.list(L, v.ArtifactDigests))
	}
	if v.PreferredCVSS != nil {
		t.RawSetString("preferred_cvss", p.cvssTable(L, v.PreferredCVSS))
	}
	if v.CWEIDs != nil {
		t.RawSetString("cwe_ids", p.list(L, v.CWEIDs))
	}
	if len(v.VendorAttributes) > 0 {
		if va, err := luaconv.DecodeJSON(L, v.VendorAttributes); err == nil && va != lua.LNil {
			t.RawSetString("vendor_attributes", va)
		}
	}
	t.RawSetString("fixable", lua.LBool(ext.Fixable(v)))
	t.RawSetString("score", lua.LNumber(ext.Score(v)))
	return t
}

// Findings repeat: every image built on one base carries the base's CVEs,
// and a scanner reports them identically. Keeping one table per distinct
// finding instead of one per artifact divides the memory of a kept bulk
// result by the number of artifacts sharing each finding (500,000 tables
// for 10,000 artifacts × 50 findings otherwise). The tables stay plain, so
// ipairs, pairs and json.encode work; the price is that a script that
// writes into a finding of report.vulnerabilities changes it wherever the
// same finding appears. The cache is bounded and holds its tables weakly, so
// that a stream over a huge registry keeps neither every distinct key nor
// the findings of artifacts it has passed.

const (
	sharedKey      = "harbor.ext.ArtifactInfo.findings"
	sharedCapacity = 1 << 12
)

type vulnKey struct {
	id, pkg, version, fix, severity, status, description string
	links, digests, cwe, vendor, vectorV3, vectorV2      string
	scoreV3, scoreV2                                     float64
	flags                                                uint8
}

const (
	hasLinks = 1 << iota
	hasCWE
	hasCVSS
	hasV3
	hasV2
)

func keyOf(v *harbor.VulnerabilityItem) vulnKey {
	k := vulnKey{id: v.ID, pkg: v.Package, version: v.Version, fix: v.FixVersion, severity: v.Severity,
		status: v.Status, description: v.Description, links: strings.Join(v.Links, "\x00"),
		digests: strings.Join(v.ArtifactDigests, "\x00"), cwe: strings.Join(v.CWEIDs, "\x00"),
		vendor: string(v.VendorAttributes)}
	if v.Links != nil {
		k.flags |= hasLinks
	}
	if v.CWEIDs != nil {
		k.flags |= hasCWE
	}
	if p := v.PreferredCVSS; p != nil {
		k.flags |= hasCVSS
		k.vectorV3, k.vectorV2 = p.VectorV3, p.VectorV2
		if p.ScoreV3 != nil {
			k.flags |= hasV3
			k.scoreV3 = *p.ScoreV3
		}
		if p.ScoreV2 != nil {
			k.flags |= hasV2
			k.scoreV2 = *p.ScoreV2
		}
	}
	return k
}

// sharedFindings holds weak pointers: a table stays shared while something
// in the script still holds it, and a stream does not keep the findings of
// artifacts it has passed. Entries whose table was collected are dropped
// with the rest when the map reaches its capacity.
type sharedFindings struct {
	tables map[vulnKey]weak.Pointer[lua.LTable]
	parts  partCache
}

func findings(L *lua.LState) *sharedFindings {
	if ud, ok := L.G.Registry.RawGetString(sharedKey).(*lua.LUserData); ok {
		if s, ok := ud.Value.(*sharedFindings); ok {
			return s
		}
	}
	s := &sharedFindings{tables: map[vulnKey]weak.Pointer[lua.LTable]{}}
	ud := L.NewUserData()
	ud.Value = s
	L.G.Registry.RawSetString(sharedKey, ud)
	return s
}

// sharedVulnTable is VulnTable, reusing the table of an identical finding
// built earlier in this state and still alive.
func sharedVulnTable(L *lua.LState, v *harbor.VulnerabilityItem) *lua.LTable {
	s := findings(L)
	k := keyOf(v)
	if t := s.tables[k].Value(); t != nil {
		return t
	}
	t := VulnTable(L, v)
	if len(s.tables) >= sharedCapacity {
		s.tables = map[vulnKey]weak.Pointer[lua.LTable]{}
	}
	s.tables[k] = weak.Make(t)
	return t
}
