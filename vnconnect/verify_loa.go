package vnconnect

import "strings"

// loaLevel maps an acr value to its level: "LoA1".."LoA4" → 1..4 (letter
// case ignored, as deployments differ); anything else → 0.
func loaLevel(acr string) int {
	if len(acr) != 4 || !strings.EqualFold(acr[:3], "loa") || acr[3] < '1' || acr[3] > '4' {
		return 0
	}
	return int(acr[3] - '0')
}

// CompareLoA orders two Vnconnect levels of assurance, LoA1 < LoA2 < LoA3 <
// LoA4: it returns -1, 0 or +1 as a is below, equal to or above b. ok is
// false when either is not one of the four levels, so that an unknown acr
// can never be mistaken for a sufficient one.
func CompareLoA(a, b string) (cmp int, ok bool) {
	la, lb := loaLevel(a), loaLevel(b)
	if la == 0 || lb == 0 {
		return 0, false
	}
	switch {
	case la < lb:
		return -1, true
	case la > lb:
		return 1, true
	}
	return 0, true
}
