package vnid

import "strconv"

// AgencyCode is an agency's identification code (mã định danh cơ quan) under
// QCVN 102:2016/BTTTT, used by Decision 20/2020/QĐ-TTg: "NNN.NN.NN.Lnn".
//
// The code is read right to left. The last component, a letter and two
// digits, is the level-1 unit (G ministries and ministry-level agencies,
// H provincial People's Committees, A Party bodies, C the National Assembly,
// …). Each component to its left narrows it by one level: two digits for
// level 2, two for level 3, three for level 4; zeros mean "no unit at this
// level". So "000.00.00.H41" is a province, "000.00.18.G12" a level-2 unit
// under ministry G12.
//
// The zero value is not a valid code: its Level is 0 and String is "".
type AgencyCode struct {
	l4     uint16 // 0–999, leftmost
	l3, l2 uint8  // 0–99
	letter byte   // 'A'–'Z'; 0 only in the zero value
	l1     uint8  // 0–99, the digits after the letter
}

// agencyLen is len("NNN.NN.NN.Lnn").
const agencyLen = 13

// ParseAgencyCode parses "NNN.NN.NN.Lnn". Surrounding white space is trimmed
// and a lower-case level-1 letter is upper-cased. A component may be non-zero
// only if every component to its right is: a unit cannot sit at level 3
// without a level-2 parent.
func ParseAgencyCode(s string) (AgencyCode, error) {
	s, err := prepare(KindAgency, s)
	if err != nil {
		return AgencyCode{}, err
	}
	if len(s) != agencyLen {
		return AgencyCode{}, newError(KindAgency, ErrLength,
			"want 13 characters in the form NNN.NN.NN.Lnn, got "+strconv.Itoa(len(s)))
	}
	for i := 0; i < agencyLen; i++ {
		c := s[i]
		switch i {
		case 3, 6, 9:
			if c != '.' {
				return AgencyCode{}, newError(KindAgency, ErrFormat,
					"character "+strconv.Itoa(i+1)+" must be '.' (form NNN.NN.NN.Lnn)")
			}
		case 10:
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
				return AgencyCode{}, newError(KindAgency, ErrCharacter,
					"character 11 must be a letter (level-1 unit, e.g. G22)")
			}
		default:
			if !isDigit(c) {
				return AgencyCode{}, newError(KindAgency, ErrCharacter,
					"character "+strconv.Itoa(i+1)+" is not a digit")
			}
		}
	}
	letter := s[10]
	if letter >= 'a' {
		letter -= 'a' - 'A'
	}
	a := AgencyCode{
		l4:     uint16(num(s[0:3])),
		l3:     uint8(num(s[4:6])),
		l2:     uint8(num(s[7:9])),
		letter: letter,
		l1:     uint8(num(s[11:13])),
	}
	if a.l3 != 0 && a.l2 == 0 {
		return AgencyCode{}, newError(KindAgency, ErrFormat, "level-3 component set while level 2 is 00")
	}
	if a.l4 != 0 && a.l3 == 0 {
		return AgencyCode{}, newError(KindAgency, ErrFormat, "level-4 component set while level 3 is 00")
	}
	return a, nil
}

// num converts a short run of ASCII digits already checked by the caller.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// String returns the canonical form, e.g. "000.00.18.G12", or "" for the
// zero value.
func (a AgencyCode) String() string {
	if a.letter == 0 {
		return ""
	}
	var b [agencyLen]byte
	put := func(at, width, v int) {
		for i := width - 1; i >= 0; i-- {
			b[at+i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, 3, int(a.l4))
	b[3] = '.'
	put(4, 2, int(a.l3))
	b[6] = '.'
	put(7, 2, int(a.l2))
	b[9] = '.'
	b[10] = a.letter
	put(11, 2, int(a.l1))
	return string(b[:])
}

// IsZero reports whether a is the zero value (not a parsed code).
func (a AgencyCode) IsZero() bool { return a.letter == 0 }

// Level returns the unit's level: the number of non-zero components, 1 for a
// ministry or province, up to 4; 0 for the zero value.
func (a AgencyCode) Level() int {
	switch {
	case a.letter == 0:
		return 0
	case a.l4 != 0:
		return 4
	case a.l3 != 0:
		return 3
	case a.l2 != 0:
		return 2
	default:
		return 1
	}
}

// Parent returns the code of the unit one level up, made by zeroing the
// leftmost non-zero component. ok is false for level-1 codes and the zero
// value, which have no parent.
func (a AgencyCode) Parent() (parent AgencyCode, ok bool) {
	switch a.Level() {
	case 4:
		a.l4 = 0
	case 3:
		a.l3 = 0
	case 2:
		a.l2 = 0
	default:
		return AgencyCode{}, false
	}
	return a, true
}

// Root returns the level-1 unit (ministry, province, …) that a belongs to;
// for a level-1 code that is a itself.
func (a AgencyCode) Root() AgencyCode {
	if a.letter == 0 {
		return AgencyCode{}
	}
	return AgencyCode{letter: a.letter, l1: a.l1}
}

// IsAncestorOf reports whether b lies strictly below a in the hierarchy:
// a is b's parent, or its parent's parent, and so on. A code is not its own
// ancestor; zero values are nobody's ancestor or descendant.
func (a AgencyCode) IsAncestorOf(b AgencyCode) bool {
	la, lb := a.Level(), b.Level()
	if la == 0 || lb <= la {
		return false
	}
	if a.letter != b.letter || a.l1 != b.l1 {
		return false
	}
	// Components above a's level are zero in a; those at or below it must
	// be equal in b.
	if la >= 2 && a.l2 != b.l2 {
		return false
	}
	if la >= 3 && a.l3 != b.l3 {
		return false
	}
	return true // la ≤ 3 here, since lb > la
}
