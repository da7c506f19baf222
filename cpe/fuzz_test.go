package cpe

import "testing"

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*`,
		`cpe:2.3:a:microsoft:internet_explorer:8.*:sp?:*:*:*:*:*:*`,
		`cpe:2.3:a:foo\\bar:big\$money_manager_2010:*:*:*:*:special:ipod_touch:80gb:*`,
		`cpe:2.3:a:foo\-bar:x\.y\_z:\-:*:*:zh-cn:*:*:*:*`,
		`cpe:2.3:a:examplevendor:example\:plugin:1.0\+build5:*:*:*:*:*:*:*`,
		`cpe:2.3:a:foo:bar:12.*.1:*:*:*:*:*:*:*`,
		`cpe:2.3:a:foo:bar:1:*:*:*:*:*:*:x\`,
		`cpe:/a:foo:bar`,
		``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Parse(%q) returned %T, want *Error", s, err)
			}
			return
		}
		bound := n.String()
		again, err := Parse(bound)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its binding %q does not parse: %v", s, bound, err)
		}
		if again != n {
			t.Fatalf("round trip of %q: %+v != %+v", s, again, n)
		}
		if again.String() != bound {
			t.Fatalf("binding not stable: %q then %q", bound, again.String())
		}
		if !Match(n, n) && !hasAnyWildcards(n) {
			t.Fatalf("%q does not match itself", bound)
		}
		_ = InRange(Unquote(n.Version), "1.0", "", "", "2.0")
	})
}

func hasAnyWildcards(n Name) bool {
	for _, v := range n.Values() {
		if v != Any && v != NA && hasWildcards(v) {
			return true
		}
	}
	return false
}
