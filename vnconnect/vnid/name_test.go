package vnid

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestFoldName(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "Nguyen Van A", "nguyen van a"},
		{"precomposed", "Nguyễn Văn Đức", "nguyen van duc"},
		{"decomposed NFD", norm.NFD.String("Nguyễn Văn Đức"), "nguyen van duc"},
		{"all tones", "à á ả ã ạ ă ằ ắ ẳ ẵ ặ â ầ ấ ẩ ẫ ậ", "a a a a a a a a a a a a a a a a a"},
		{"vowels", "Ê Ô Ơ Ư Ỹ ỳ", "e o o u y y"},
		{"đ lower", "đinh", "dinh"},
		{"Đ upper", "ĐẶNG", "dang"},
		{"eth look-alike", "Ðỗ ðức", "do duc"},
		{"collapse spaces", "  Trần \t  Thị\n\nBích  ", "tran thi bich"},
		{"non-breaking space", "Lê\u00a0Văn\u2003Tám", "le van tam"},
		{"zero-width and soft hyphen", "Ph\u200bạm\u00ad Hùng\ufeff", "pham hung"},
		{"full-width", "ＮＧＵＹＥＮ", "nguyen"},
		{"invalid UTF-8 dropped", "Hồ\xffng", "hong"},
		{"organisation", "CÔNG TY TNHH MỘT THÀNH VIÊN", "cong ty tnhh mot thanh vien"},
		{"empty", "", ""},
		{"only marks", "\u0301\u0303", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := FoldName(tc.in); got != tc.want {
				t.Errorf("FoldName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNameContains(t *testing.T) {
	tests := []struct {
		name, full, query string
		want              bool
	}{
		{"exact without diacritics", "Nguyễn Văn A", "Nguyen Van A", true},
		{"case", "Nguyễn Văn A", "NGUYEN VAN A", true},
		{"with diacritics", "Nguyễn Văn A", "nguyễn văn a", true},
		{"decomposed name", norm.NFD.String("Nguyễn Văn A"), "nguyen van a", true},
		{"decomposed query", "Nguyễn Văn A", norm.NFD.String("Nguyễn Văn A"), true},
		{"suffix words", "Nguyễn Văn An", "van an", true},
		{"skip middle word", "Nguyễn Văn An", "nguyen an", true},
		{"word prefixes", "Nguyễn Văn An", "ng v", true},
		{"đ", "Đặng Thị Đào", "dang dao", true},
		{"extra spaces", "Đặng Thị Đào", "  dang   thi  ", true},
		{"inside a word", "Nguyễn Văn An", "guyen", false},
		{"wrong order", "Nguyễn Văn An", "van nguyen", false},
		{"word used twice", "Nguyễn Văn An", "an an", false},
		{"repeated word present twice", "Lê Lê Na", "le le", true},
		{"longer than name", "Lê Na", "le na hoa", false},
		{"different name", "Nguyễn Văn A", "Tran", false},
		{"empty query", "Nguyễn Văn A", "", false},
		{"blank query", "Nguyễn Văn A", " \u0301 ", false},
		{"empty name", "", "a", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := NameContains(tc.full, tc.query); got != tc.want {
				t.Errorf("NameContains(%q, %q) = %v", tc.full, tc.query, got)
			}
		})
	}
}

func FuzzFoldName(f *testing.F) {
	for _, s := range []string{"Nguyễn Văn Đức", norm.NFD.String("Trần Thị Bích"), "  a\u00a0b ", "\xff\u0301", "ǅ ẞ İ ﬁ Ⅻ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// FoldName is linear (see TestFoldNameLinear); long inputs only slow
		// the fuzzer down without reaching new code.
		if len(s) > 1024 {
			t.Skip()
		}
		got := FoldName(s)
		if !utf8.ValidString(got) {
			t.Fatalf("FoldName(%q) = %q, not UTF-8", s, got)
		}
		if again := FoldName(got); again != got {
			t.Fatalf("not stable: %q → %q → %q", s, got, again)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("spaces not collapsed: %q", got)
		}
		for _, r := range got {
			if r == 'đ' || r == 'Đ' || unicode.Is(unicode.M, r) || unicode.ToLower(r) != r || (unicode.IsSpace(r) && r != ' ') {
				t.Fatalf("FoldName(%q) = %q keeps %q", s, got, r)
			}
		}
		// NFC and NFD spellings of the same text fold alike.
		if utf8.ValidString(s) && FoldName(norm.NFC.String(s)) != FoldName(norm.NFD.String(s)) {
			t.Fatalf("NFC and NFD of %q fold differently", s)
		}
		// A name finds itself unless it folds to nothing.
		if NameContains(s, s) != (got != "") {
			t.Fatalf("NameContains(%q, itself) wrong", s)
		}
	})
}

// FoldName's cost grows linearly. An input 64 times longer may take up to
// 512 times as long here (slack for noisy machines) but not the 4096 times a
// quadratic step would cost: names come from untrusted forms and tokens.
func TestFoldNameLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	for _, unit := range []string{"Nguyễn Văn Đức ", "\ufdfa", "a\u0301\u0302\u0303", "\u01c5"} {
		t.Run(unit, func(t *testing.T) {
			small := strings.Repeat(unit, 256)
			big := strings.Repeat(unit, 256*64)
			ts, tb := minDuration(func() { FoldName(small) }), minDuration(func() { FoldName(big) })
			if tb > 64*8*ts+time.Millisecond {
				t.Errorf("64× input took %v vs %v", tb, ts)
			}
		})
	}
}

func minDuration(f func()) time.Duration {
	best := time.Duration(1 << 62)
	for i := 0; i < 5; i++ {
		st := time.Now()
		f()
		if d := time.Since(st); d < best {
			best = d
		}
	}
	return best
}
