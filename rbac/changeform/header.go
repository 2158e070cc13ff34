package changeform

import (
	"strings"
	"unicode"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// fold reduces a cell to lower-case ASCII-ish words for comparison:
// diacritics and case dropped (vnid.FoldName), punctuation turned into
// spaces, runs of spaces collapsed. "Phân hệ cần bổ sung CCVC xử lý…" →
// "phan he can bo sung ccvc xu ly".
func fold(s string) string {
	f := vnid.FoldName(s)
	var b strings.Builder
	b.Grow(len(f))
	space := false
	for _, r := range f {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// columns holds the index of each of the form's columns, -1 if absent.
type columns struct {
	stt, subsystem, name, id, note int
}

func (c columns) complete() bool { return c.subsystem >= 0 && c.name >= 0 && c.id >= 0 }

// matchHeader reads cells as the header row. Headers vary between
// provinces ("Số CMND", "Số CMND/CCCD", "Số định danh cá nhân"; "Họ và tên
// CCVC", "Họ tên"), so each column is recognised by the words it contains,
// after folding, and the first cell to claim a column keeps it.
func matchHeader(cells []string) columns {
	c := columns{-1, -1, -1, -1, -1}
	claim := func(dst *int, i int) bool {
		if *dst < 0 {
			*dst = i
			return true
		}
		return false
	}
	for i, cell := range cells {
		f := fold(cell)
		if f == "" || len(f) > 200 {
			continue
		}
		has := func(words ...string) bool {
			for _, w := range words {
				if f == w || strings.HasPrefix(f, w+" ") || strings.HasSuffix(f, " "+w) || strings.Contains(f, " "+w+" ") {
					return true
				}
			}
			return false
		}
		switch {
		case has("stt", "so thu tu", "tt"):
			claim(&c.stt, i)
		case has("cmnd", "cccd", "so dinh danh", "dinh danh ca nhan", "can cuoc", "can cuoc cong dan"):
			claim(&c.id, i)
		case has("ho va ten", "ho ten"):
			claim(&c.name, i)
		case has("phan he", "he thong"):
			claim(&c.subsystem, i)
		case has("ghi chu"):
			claim(&c.note, i)
		}
	}
	return c
}
