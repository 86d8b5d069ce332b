package luatime

import (
	"fmt"
	"strconv"
	"strings"
)

var unitSeconds = map[string]float64{
	"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3,
	"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400,
}

// parseDuration reads Go duration syntax extended with d (24h) and w (7d),
// e.g. "30d", "1w2d", "1h30m", "1.5h", and returns seconds. Days are plain
// 24-hour days: retention ages are about elapsed time, not calendar dates.
func parseDuration(s string) (float64, error) {
	orig := s
	if s == "" {
		return 0, fmt.Errorf("invalid duration %q: empty", orig)
	}
	sign := 1.0
	switch s[0] {
	case '-':
		sign, s = -1, s[1:]
	case '+':
		s = s[1:]
	}
	if s == "0" {
		return 0, nil
	}
	if s == "" {
		return 0, fmt.Errorf("invalid duration %q: no number", orig)
	}
	total := 0.0
	for s != "" {
		i := 0
		for i < len(s) && (s[i] == '.' || s[i] >= '0' && s[i] <= '9') {
			i++
		}
		if i == 0 {
			return 0, fmt.Errorf("invalid duration %q: expected a number at %q", orig, s)
		}
		num, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: bad number %q", orig, s[:i])
		}
		s = s[i:]
		j := 0
		for j < len(s) && s[j] != '.' && (s[j] < '0' || s[j] > '9') {
			j++
		}
		unit := s[:j]
		if unit == "" {
			return 0, fmt.Errorf("invalid duration %q: missing unit (one of ns, us, ms, s, m, h, d, w)", orig)
		}
		mult, ok := unitSeconds[strings.ToLower(unit)]
		if !ok || (unit != strings.ToLower(unit) && unit != "µs") {
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q (use ns, us, ms, s, m, h, d, w)", orig, unit)
		}
		total += num * mult
		s = s[j:]
	}
	return sign * total, nil
}
