package ext

import (
	"strconv"
	"strings"

	"github.com/harborscript/harborscript/harbor"
)

// Severity is a vulnerability severity in Harbor's order, lowest first, so
// severities compare with < and >.
type Severity int

// Harbor's severities. SeverityNone is what Harbor reports for a clean scan.
const (
	SeverityNone Severity = iota
	SeverityUnknown
	SeverityNegligible
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"None", "Unknown", "Negligible", "Low", "Medium", "High", "Critical"}

// SeverityNames lists Harbor's severity names, lowest first.
func SeverityNames() []string { return append([]string(nil), severityNames[:]...) }

// String gives Harbor's spelling of the severity.
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "Severity(" + strconv.Itoa(int(s)) + ")"
	}
	return severityNames[s]
}

// ParseSeverity accepts Harbor's severity names in any letter case.
func ParseSeverity(s string) (Severity, error) {
	if sev, ok := lookupSeverity(s); ok {
		return sev, nil
	}
	return 0, harbor.ValueErrorf("severity %q is not one of %s", s, strings.Join(severityNames[:], ", "))
}

// parseSeverityArg is ParseSeverity with the error naming the method.
func parseSeverityArg(method, s string) (Severity, error) {
	if sev, ok := lookupSeverity(s); ok {
		return sev, nil
	}
	return 0, harbor.ValueErrorf("%s: severity %q is not one of %s", method, s, strings.Join(severityNames[:], ", "))
}

func lookupSeverity(s string) (Severity, bool) {
	t := strings.TrimSpace(s)
	for i, name := range severityNames {
		if strings.EqualFold(t, name) {
			return Severity(i), true
		}
	}
	return 0, false
}

// severityName normalises a severity read from a report: known names get
// Harbor's spelling, a missing one counts as Unknown (as harborapi does), and
// anything else is kept as sent so no finding silently disappears.
func severityName(s string) string {
	if strings.TrimSpace(s) == "" {
		return SeverityUnknown.String()
	}
	if sev, ok := lookupSeverity(s); ok {
		return sev.String()
	}
	return s
}
