package main

import "testing"

func TestParseBytes(t *testing.T) {
	good := map[string]uint64{"512MiB": 512 << 20, "1GiB": 1 << 30, "1.5GB": 1500000000, "100 kb": 100000, "4096": 4096, "2m": 2 << 20}
	for in, want := range good {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "lots", "12XB", "0", "-5MiB", "1.2.3MB"} {
		if got, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) = %d, want an error", in, got)
		}
	}
}
