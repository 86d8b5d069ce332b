package ext

import (
	"fmt"
	"strings"
	"testing"

	"github.com/harborscript/harborscript/harbor"
)

func TestParseSeverity(t *testing.T) {
	for i, name := range SeverityNames() {
		for _, spelled := range []string{name, strings.ToLower(name), strings.ToUpper(name), " " + name + " "} {
			got, err := ParseSeverity(spelled)
			if err != nil || got != Severity(i) || got.String() != name {
				t.Errorf("ParseSeverity(%q) = %v, %v; want %s", spelled, got, err, name)
			}
		}
	}
	if !(SeverityCritical > SeverityHigh && SeverityHigh > SeverityMedium && SeverityMedium > SeverityLow &&
		SeverityLow > SeverityNegligible && SeverityNegligible > SeverityUnknown && SeverityUnknown > SeverityNone) {
		t.Error("severities must order as Harbor does")
	}
	_, err := ParseSeverity("severe")
	if !harbor.IsType(err, harbor.TypeValueError) || !strings.Contains(err.Error(), `"severe"`) ||
		!strings.Contains(err.Error(), "None, Unknown, Negligible, Low, Medium, High, Critical") {
		t.Errorf("bad severity: want a ValueError naming it and listing the valid names, got %v", err)
	}
}

func TestMatcherCacheIsBounded(t *testing.T) {
	for i := 0; i < matcherCacheLimit+10; i++ {
		compileMatcher(fmt.Sprintf("p%d", i), false, false)
	}
	matcherCache.Lock()
	n := len(matcherCache.m)
	matcherCache.Unlock()
	if n > matcherCacheLimit {
		t.Errorf("cache holds %d patterns, limit %d", n, matcherCacheLimit)
	}
	if compileMatcher("CVE-2023", false, false) != compileMatcher("CVE-2023", false, false) {
		t.Error("the same pattern must be compiled once")
	}
}
