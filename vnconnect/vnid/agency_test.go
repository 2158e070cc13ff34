package vnid

import "testing"

func mustAgency(t *testing.T, s string) AgencyCode {
	t.Helper()
	a, err := ParseAgencyCode(s)
	if err != nil {
		t.Fatalf("ParseAgencyCode(%q): %v", s, err)
	}
	return a
}

func TestParseAgencyCode(t *testing.T) {
	valid := []struct {
		name, in, want string
		level          int
		parent         string // "" when none
	}{
		{"government office", "000.00.00.G22", "000.00.00.G22", 1, ""},
		{"province", "000.00.00.H41", "000.00.00.H41", 1, ""},
		{"level 2", "000.00.18.G12", "000.00.18.G12", 2, "000.00.00.G12"},
		{"level 3", "000.05.18.G12", "000.05.18.G12", 3, "000.00.18.G12"},
		{"level 4", "123.05.18.H41", "123.05.18.H41", 4, "000.05.18.H41"},
		{"lower-case letter", "000.00.01.h41", "000.00.01.H41", 2, "000.00.00.H41"},
		{"trimmed", " 000.00.00.A01 ", "000.00.00.A01", 1, ""},
		{"letter with 00", "000.00.00.C00", "000.00.00.C00", 1, ""},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			a := mustAgency(t, tc.in)
			if a.String() != tc.want || a.Level() != tc.level || a.IsZero() {
				t.Fatalf("got %q level %d", a.String(), a.Level())
			}
			p, ok := a.Parent()
			if tc.parent == "" {
				if ok || !p.IsZero() {
					t.Fatalf("Parent() = %q, %v; want none", p, ok)
				}
				return
			}
			if !ok || p.String() != tc.parent || p.Level() != tc.level-1 {
				t.Fatalf("Parent() = %q, %v; want %q", p, ok, tc.parent)
			}
			if !p.IsAncestorOf(a) {
				t.Errorf("parent is not an ancestor")
			}
		})
	}
	invalid := []struct {
		name, in string
		want     error
	}{
		{"empty", "", ErrEmpty},
		{"no dots", "0000000G22", ErrLength},
		{"too long", "000.00.00.G222", ErrLength},
		{"dash instead of dot", "000-00-00-G22", ErrFormat},
		{"digit for letter", "000.00.00.122", ErrCharacter},
		{"letter in number", "000.0a.00.G22", ErrCharacter},
		{"non-ASCII letter", "000.00.00.Đ2", ErrCharacter},
		{"gap at level 2", "000.05.00.G12", ErrFormat},
		{"gap at level 3", "001.00.18.G12", ErrFormat},
		{"letter moved left", "G22.00.00.000", ErrCharacter},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAgencyCode(tc.in)
			wantErr(t, err, KindAgency, tc.want)
		})
	}
}

func TestAgencyHierarchy(t *testing.T) {
	ministry := mustAgency(t, "000.00.00.G12")
	dept := mustAgency(t, "000.00.18.G12")
	office := mustAgency(t, "000.05.18.G12")
	team := mustAgency(t, "007.05.18.G12")
	otherDept := mustAgency(t, "000.00.19.G12")
	otherMinistry := mustAgency(t, "000.00.18.G13")
	otherLetter := mustAgency(t, "000.00.18.H12")

	tests := []struct {
		name string
		a, b AgencyCode
		want bool
	}{
		{"ministry above dept", ministry, dept, true},
		{"ministry above level 4", ministry, team, true},
		{"dept above office", dept, office, true},
		{"dept above team", dept, team, true},
		{"office above team", office, team, true},
		{"not reflexive", dept, dept, false},
		{"not upward", team, ministry, false},
		{"sibling", otherDept, office, false},
		{"other ministry", ministry, otherMinistry, false},
		{"other letter", mustAgency(t, "000.00.00.H12"), dept, false},
		{"same number other letter", ministry, otherLetter, false},
		{"zero ancestor", AgencyCode{}, dept, false},
		{"zero descendant", ministry, AgencyCode{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.IsAncestorOf(tc.b); got != tc.want {
				t.Errorf("%q.IsAncestorOf(%q) = %v", tc.a, tc.b, got)
			}
		})
	}
	if team.Root() != ministry || ministry.Root() != ministry || !(AgencyCode{}).Root().IsZero() {
		t.Error("Root wrong")
	}
	var zero AgencyCode
	if zero.String() != "" || zero.Level() != 0 {
		t.Error("zero value not empty")
	}
	if _, ok := zero.Parent(); ok {
		t.Error("zero value has a parent")
	}
}

func FuzzParseAgencyCode(f *testing.F) {
	for _, s := range []string{"000.00.00.G22", "000.00.18.G12", "123.05.18.h41", "000.05.00.G12", "", "...."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAgencyCode(s)
		if err != nil {
			checkSafeError(t, err, KindAgency, s)
			return
		}
		str := a.String()
		again, err := ParseAgencyCode(str)
		if err != nil || again != a || again.String() != str {
			t.Fatalf("round trip of %q: %q, %v", str, again, err)
		}
		lvl := a.Level()
		if lvl < 1 || lvl > 4 {
			t.Fatalf("level %d", lvl)
		}
		// Walking up reaches the root in exactly lvl-1 steps, each an ancestor.
		cur := a
		for i := lvl; i > 1; i-- {
			p, ok := cur.Parent()
			if !ok || p.Level() != i-1 || !p.IsAncestorOf(a) || a.IsAncestorOf(p) {
				t.Fatalf("bad parent %q of %q", p, cur)
			}
			if _, err := ParseAgencyCode(p.String()); err != nil {
				t.Fatalf("parent %q does not parse: %v", p, err)
			}
			cur = p
		}
		if _, ok := cur.Parent(); ok || cur != a.Root() {
			t.Fatalf("walk ended at %q, root %q", cur, a.Root())
		}
	})
}
