package vnid

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FoldName reduces a personal or organisation name to a form for
// diacritic- and case-insensitive search: "Nguyễn Văn Đức" → "nguyen van duc".
//
// Steps, and why:
//   - NFKD decomposition splits precomposed letters (ễ) into a base letter and
//     combining marks, whether the input came precomposed (NFC, the usual
//     form) or already decomposed (NFD, as some macOS and legacy systems
//     send), and maps compatibility forms such as full-width letters to plain
//     ones.
//   - Combining marks are dropped: Vietnamese tone and vowel marks are all
//     combining marks after decomposition.
//   - đ/Đ are separate letters, not d plus a mark, so decomposition leaves
//     them alone; they are mapped to d explicitly, as are the look-alikes
//     Ð/ð (Icelandic eth) and Ɖ/ɖ that legacy Vietnamese encodings and
//     keyboards produce in their place.
//   - Letters are lower-cased.
//   - Runs of white space become one space; leading and trailing space is
//     removed. Invisible format characters (zero-width space, soft hyphen,
//     byte-order mark) and control characters are dropped, since they come
//     from copy-paste and would make equal names differ. Invalid UTF-8 bytes
//     are dropped before anything else.
//
// The result is stable: FoldName(FoldName(s)) == FoldName(s). Its cost is
// linear in len(s); callers folding untrusted input should bound its length.
func FoldName(s string) string {
	// Invalid bytes go first: left in place, they stop the normaliser from
	// decomposing the character that follows them (found by FuzzFoldName).
	d := norm.NFKD.String(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	b.Grow(len(d))
	space := false
	for _, r := range d {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.Is(unicode.M, r), unicode.Is(unicode.Cf, r), unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		writeFolded(&b, r)
	}
	return b.String()
}

// writeFolded writes the lower-case, mark-free form of one rune.
func writeFolded(b *strings.Builder, r rune) {
	switch r {
	case 'đ', 'Đ', 'ð', 'Ð', 'ɖ', 'Ɖ':
		b.WriteByte('d')
		return
	}
	lr := unicode.ToLower(r)
	if lr == r || lr < utf8.RuneSelf {
		b.WriteRune(lr)
		return
	}
	// A few lower-case forms decompose although their upper-case form did
	// not (or vice versa); decompose again and drop marks so that folding
	// stays stable.
	for _, c := range norm.NFKD.String(string(lr)) {
		if !unicode.Is(unicode.M, c) {
			b.WriteRune(c)
		}
	}
}

// NameContains reports whether query finds name in a diacritic- and
// case-insensitive search: after FoldName on both, every word of query must
// begin a word of name, in the same order, skipping name words as needed.
// So "Nguyen Van A", "nguyen a" and "NG V" all find "Nguyễn Văn An", while
// "guyen" (not the start of a word) and "van nguyen" (wrong order) do not.
//
// A query that folds to nothing (empty, only spaces or marks) finds nothing,
// so that a blank search box cannot list every account.
func NameContains(name, query string) bool {
	q := strings.Fields(FoldName(query))
	if len(q) == 0 {
		return false
	}
	n := strings.Fields(FoldName(name))
	// Greedy matching is exact here: taking the earliest name word that
	// fits each query word never prevents a later query word from matching.
	j := 0
	for _, w := range q {
		for j < len(n) && !strings.HasPrefix(n[j], w) {
			j++
		}
		if j == len(n) {
			return false
		}
		j++
	}
	return true
}
