package ext

import (
	"encoding/json"
	"math"
	"sort"

	"github.com/harborscript/harborscript/harbor"
)

// Stats summarises CVSS scores. Every field is 0 when there are no scores;
// Stdev is the sample standard deviation and 0 for fewer than two scores
// (harborapi's CVSSData behaves the same way).
type Stats struct {
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	Stdev  float64 `json:"stdev"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// vendorPriority is the order in which scanner vendor scores are trusted
// when a finding carries no preferred CVSS (Trivy puts them in
// vendor_attributes.CVSS.<vendor>); NVD first, as harborapi does.
var vendorPriority = []string{"nvd", "redhat", "ghsa"}

// Score is a finding's CVSS base score: preferred_cvss v3, else v2, else the
// first vendor score found in vendor_attributes.CVSS (v3 before v2), else 0.
func Score(v *harbor.VulnerabilityItem) float64 {
	s, _ := score(v)
	return s
}

// score also says whether the finding had any score at all.
func score(v *harbor.VulnerabilityItem) (float64, bool) {
	if v == nil {
		return 0, false
	}
	if p := v.PreferredCVSS; p != nil {
		if usable(p.ScoreV3) {
			return *p.ScoreV3, true
		}
		if usable(p.ScoreV2) {
			return *p.ScoreV2, true
		}
	}
	return vendorScore(v.VendorAttributes)
}

func usable(f *float64) bool {
	return f != nil && !math.IsNaN(*f) && !math.IsInf(*f, 0)
}

// vendorScore reads vendor_attributes without trusting its shape: it is
// scanner-specific free-form JSON.
func vendorScore(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	var attrs struct {
		CVSS map[string]json.RawMessage `json:"CVSS"`
	}
	if json.Unmarshal(raw, &attrs) != nil || len(attrs.CVSS) == 0 {
		return 0, false
	}
	for _, key := range []string{"V3Score", "V2Score"} {
		for _, vendor := range vendorPriority {
			if s, ok := vendorField(attrs.CVSS[vendor], key); ok {
				return s, true
			}
		}
		// Vendors outside the priority list, in a stable order.
		others := make([]string, 0, len(attrs.CVSS))
		for vendor := range attrs.CVSS {
			others = append(others, vendor)
		}
		sort.Strings(others)
		for _, vendor := range others {
			if s, ok := vendorField(attrs.CVSS[vendor], key); ok {
				return s, true
			}
		}
	}
	return 0, false
}

func vendorField(raw json.RawMessage, key string) (float64, bool) {
	if len(raw) == 0 {
		return 0, false
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return 0, false
	}
	f, ok := m[key].(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// Fixable reports whether a fixed version of the package exists.
func Fixable(v *harbor.VulnerabilityItem) bool {
	return v != nil && v.FixVersion != ""
}

// computeStats summarises scores; it sorts its argument.
func computeStats(scores []float64) Stats {
	n := len(scores)
	if n == 0 {
		return Stats{}
	}
	sort.Float64s(scores)
	var sum float64
	for _, s := range scores {
		sum += s
	}
	st := Stats{Mean: sum / float64(n), Min: scores[0], Max: scores[n-1]}
	if n%2 == 1 {
		st.Median = scores[n/2]
	} else {
		st.Median = (scores[n/2-1] + scores[n/2]) / 2
	}
	if n > 1 {
		var sq float64
		for _, s := range scores {
			d := s - st.Mean
			sq += d * d
		}
		st.Stdev = math.Sqrt(sq / float64(n-1))
	}
	return st
}
