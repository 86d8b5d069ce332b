package schedule

import "testing"

func TestParseSize(t *testing.T) {
	good := map[string]uint64{"512MiB": 512 << 20, "1GiB": 1 << 30, "1.5GB": 1500000000, "100 kb": 100000,
		"4096": 4096, "2m": 2 << 20, "1TiB": 1 << 40, "2 b": 2}
	for in, want := range good {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "lots", "12XB", "0", "-5MiB", "1.2.3MB", "0.1"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}
