package vnid

import (
	"strings"
	"unicode"
)

// trimSpace removes surrounding white space, including the non-breaking and
// other Unicode spaces that copy-paste from documents and spreadsheets adds.
func trimSpace(s string) string {
	return strings.TrimFunc(s, unicode.IsSpace)
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// isASCIIDigits reports whether s is non-empty and only ASCII digits.
func isASCIIDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
