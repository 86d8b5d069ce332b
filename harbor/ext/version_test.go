package ext

import "testing"

func TestCompareVersionsOrder(t *testing.T) {
	// Each pair is strictly ordered: older first.
	older := []struct{ a, b string }{
		// semver and loose upstream versions
		{"1.2.3", "1.2.4"},
		{"1.2.3", "1.10.0"},
		{"v1.2", "1.2.1"},
		{"1.2", "1.2.0.1"},
		{"1.2.3-rc1", "1.2.3"},
		{"1.2.3-alpha", "1.2.3-beta"},
		{"1.2.3-rc1", "1.2.3-rc2"},
		{"1.0.0-SNAPSHOT", "1.0.0"},
		{"3.0.7", "3.0.11"},
		{"3.0.7", "3.1"},
		{"1.1.1", "1.1.1n"},
		{"1.1.1n", "1.1.1t"},
		{"20230311", "20240101"},
		{"9", "10"},
		{"0.9.9", "1"},
		{"2.36", "2.36.1"},
		// Debian
		{"2.36-9+deb12u3", "2.36-9+deb12u4"},
		{"1:1.0", "2:0.1"},
		{"3.0.11-1~deb12u2", "3.0.11-1"},
		{"1.0~rc1", "1.0"},
		{"1.0~~", "1.0~"},
		{"3.0.2-0ubuntu1.10", "3.0.2-0ubuntu1.12"},
		{"7.81.0-1ubuntu1.13", "7.81.0-1ubuntu1.14"},
		{"1.1.1n-0+deb11u4", "2:1.1.1n-0+deb11u5"},
		{"1.1.1n-0+deb11u5", "1.1.1o-0+deb11u1"},
		{"2.6.1", "1:0.1"},
		// Alpine
		{"1.36.1-r15", "1.36.1-r17"},
		{"1.36.1-r2", "1.36.1-r10"},
		{"3.1.4-r0", "3.1.4-r1"},
		{"1.2.3_rc1", "1.2.3"},
		{"1.2.3", "1.2.3_p1"},
		{"1.2.3_alpha", "1.2.3_beta"},
		{"3.0.7", "3.1.4-r0"},
		{"1.35.0-r29", "1.36.1-r2"},
		// A packaging revision makes a build newer than the bare upstream version.
		{"1.36.1", "1.36.1-r0"},
	}
	for _, p := range older {
		if c, ok := CompareVersions(p.a, p.b); !ok || c != -1 {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want -1", p.a, p.b, c, ok)
		}
		if c, ok := CompareVersions(p.b, p.a); !ok || c != 1 {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want 1", p.b, p.a, c, ok)
		}
	}
	same := []struct{ a, b string }{
		{"1.2.3", "1.2.3"},
		{"v1.2.3", "1.2.3"},
		{"1.02", "1.2"},
		{"0:1.2-1", "1.2-1"},
	}
	for _, p := range same {
		if c, ok := CompareVersions(p.a, p.b); !ok || c != 0 {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want 0", p.a, p.b, c, ok)
		}
	}
}

func TestCompareVersionsUnparseable(t *testing.T) {
	for _, bad := range []string{"", " ", "latest", "???", "v", "abc1", ":1.0", "-1"} {
		if _, ok := CompareVersions(bad, "1.0"); ok {
			t.Errorf("CompareVersions(%q, 1.0) must not be ok", bad)
		}
		if _, ok := CompareVersions("1.0", bad); ok {
			t.Errorf("CompareVersions(1.0, %q) must not be ok", bad)
		}
	}
}

func FuzzCompareVersions(f *testing.F) {
	for _, s := range [][2]string{
		{"1.2.3", "1.2.3-rc1"}, {"2:1.1.1n-0+deb11u5", "1.1.1n"}, {"1.36.1-r2", "1.36.1_rc1"},
		{"1.0~rc1", "1.0"}, {"20230311", "v3"}, {"99999999999999999999", "1"}, {"1_p", "1-r"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, okab := CompareVersions(a, b)
		ba, okba := CompareVersions(b, a)
		if okab != okba {
			t.Fatalf("ok differs: %v vs %v", okab, okba)
		}
		if !okab {
			return
		}
		if ab != -ba {
			t.Fatalf("cmp(%q,%q)=%d but cmp(%q,%q)=%d", a, b, ab, b, a, ba)
		}
		if ab < -1 || ab > 1 {
			t.Fatalf("result %d out of range", ab)
		}
		if c, _ := CompareVersions(a, a); c != 0 {
			t.Fatalf("cmp(%q,%q) = %d", a, a, c)
		}
	})
}
