package luareport

import (
	"runtime"
	"testing"
	"time"
)

// Reports a loop builds and drops must not accumulate with what they
// computed: a script that makes a report per repository of a streamed
// registry depends on it.
func TestReportsALoopDropsAreCollected(t *testing.T) {
	L := newState(t)
	run(t, L, `
		local report = require("harbor.ext.report")
		for i = 1, 200 do
			local r = report.ArtifactReport(infos):with_package("openssl")
			assert(#r == 4 and #r.fixable == 6 and r.cvss.max == 9.8)
		end
		KEEP = report.ArtifactReport(infos)
	`)
	o := objects(L)
	deadline := time.Now().Add(5 * time.Second)
	for o.Len() > 2 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if o.Len() > 2 {
		t.Fatalf("%d of 401 reports still recorded after the loop dropped them", o.Len())
	}
	run(t, L, `assert(KEEP.cvss.max == 9.8 and KEEP:has_cve("CVE-2023-0286"))`)
}
