package vnid

import "strconv"

// CCCD is a parsed citizen identity card number (căn cước công dân), which is
// also the 12-digit personal identification number (số định danh cá nhân) that
// Vnconnect sends as SoDinhDanh.
//
// Layout, left to right: 3-digit province code, 1 century/gender digit, the
// last 2 digits of the birth year, a 6-digit serial.
type CCCD struct {
	Number       string // the 12 digits, as parsed
	ProvinceCode string // "001" … "096", see ProvinceName
	Gender       Gender // from the century/gender digit
	BirthCentury int    // 1800, 1900, 2000, 2100 or 2200
	BirthYear    int    // full year, e.g. 1990
}

const cccdDigits = 12

// centuryOf maps century/gender digit / 2 to the century. The rule (circular
// 59/2021/TT-BCA): 0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 1800s;
// the even digit is male, the odd one female.
var centuryOf = [5]int{1900, 2000, 2100, 2200, 1800}

// ParseCCCD parses a 12-digit CCCD / personal identification number.
// Surrounding white space is trimmed; nothing else is tolerated, because the
// number is used as a key and must compare equal byte for byte.
func ParseCCCD(s string) (CCCD, error) {
	s, err := prepare(KindCCCD, s)
	if err != nil {
		return CCCD{}, err
	}
	if err := checkDigits(KindCCCD, "", s); err != nil {
		return CCCD{}, err
	}
	if len(s) != cccdDigits {
		return CCCD{}, wantDigits(KindCCCD, cccdDigits, len(s))
	}
	prov := s[:3]
	if _, ok := provinces[prov]; !ok {
		// Three digits already checked to be digits: safe to quote.
		return CCCD{}, newError(KindCCCD, ErrProvince, "unknown province code "+strconv.Quote(prov))
	}
	d := int(s[3] - '0')
	g := Male
	if d%2 == 1 {
		g = Female
	}
	century := centuryOf[d/2]
	yy := int(s[4]-'0')*10 + int(s[5]-'0')
	return CCCD{
		Number:       s,
		ProvinceCode: prov,
		Gender:       g,
		BirthCentury: century,
		BirthYear:    century + yy,
	}, nil
}

// String returns the 12-digit number.
func (c CCCD) String() string { return c.Number }

// ProvinceName returns the name of the province coded in the number, or ""
// for a zero CCCD.
func (c CCCD) ProvinceName() string { return provinces[c.ProvinceCode] }

// CheckHolder reports whether the number is consistent with what else is
// known about its holder: the birth year and gender encoded in the number
// must equal birthYear and gender. A zero birthYear or GenderUnknown skips
// that half of the check, so a partial profile can still be checked.
// The error wraps ErrMismatch; it does not repeat the holder's data.
func (c CCCD) CheckHolder(birthYear int, gender Gender) error {
	if c.Number == "" {
		return newError(KindCCCD, ErrEmpty, "empty")
	}
	if birthYear != 0 && birthYear != c.BirthYear {
		return newError(KindCCCD, ErrMismatch, "birth year encoded in the number differs from the birth date")
	}
	if gender != GenderUnknown && gender != c.Gender {
		return newError(KindCCCD, ErrMismatch, "gender encoded in the number differs from the stated gender")
	}
	return nil
}

// NewCCCD builds a number from its parts: a province code from ProvinceCodes,
// the holder's gender (Male or Female) and birth year (1800–2299), and a
// 6-digit serial. It exists so test fakes can generate numbers that pass
// ParseCCCD and CheckHolder; it does not make the number a real one.
func NewCCCD(provinceCode string, gender Gender, birthYear int, serial string) (CCCD, error) {
	if _, ok := provinces[provinceCode]; !ok {
		return CCCD{}, newError(KindCCCD, ErrProvince, "unknown province code")
	}
	if gender != Male && gender != Female {
		return CCCD{}, newError(KindCCCD, ErrRange, "gender must be Male or Female")
	}
	if birthYear < 1800 || birthYear > 2299 {
		return CCCD{}, newError(KindCCCD, ErrRange, "birth year must be within 1800–2299")
	}
	if len(serial) != 6 || !isASCIIDigits(serial) {
		return CCCD{}, newError(KindCCCD, ErrFormat, "serial must be 6 digits")
	}
	// Index into centuryOf: 1900→0, 2000→1, 2100→2, 2200→3, 1800→4.
	idx := (birthYear/100 - 19 + 5) % 5
	d := 2 * idx
	if gender == Female {
		d++
	}
	yy := birthYear % 100
	num := provinceCode + strconv.Itoa(d) + string(rune('0'+yy/10)) + string(rune('0'+yy%10)) + serial
	return ParseCCCD(num)
}
