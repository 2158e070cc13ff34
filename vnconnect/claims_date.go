package vnconnect

import (
	"errors"
	"fmt"
	"time"
)

// CivilDate is a calendar date with no time of day and no time zone: a
// birth date. Vnconnect sends NgayThangNamSinh as "yyyyMMdd"; a time.Time
// would have to invent a zone, and midnight UTC on the 15th is still the
// 14th in a negative-offset zone, which is how birthdays drift by a day.
// The zero value means "unknown".
type CivilDate struct {
	Year  int
	Month time.Month
	Day   int
}

// minBirthYear rejects placeholder dates such as "00000101" or "18000101"
// that legacy registries use for "unknown".
const minBirthYear = 1900

// parseCompactDate parses "yyyyMMdd" strictly: eight digits, a real
// calendar day, year ≥ 1900.
func parseCompactDate(s string) (CivilDate, error) {
	if len(s) != 8 || !allDigits(s) {
		return CivilDate{}, errors.New("date is not yyyyMMdd")
	}
	n := func(a, b int) int {
		v := 0
		for i := a; i < b; i++ {
			v = v*10 + int(s[i]-'0')
		}
		return v
	}
	d := CivilDate{Year: n(0, 4), Month: time.Month(n(4, 6)), Day: n(6, 8)}
	if !d.valid() {
		return CivilDate{}, errors.New("no such calendar day")
	}
	if d.Year < minBirthYear {
		return CivilDate{}, fmt.Errorf("year before %d", minBirthYear)
	}
	return d, nil
}

// valid reports whether d names a real day (time.Date normalises 31 Feb to
// 3 Mar; a round trip catches it).
func (d CivilDate) valid() bool {
	if d.Month < time.January || d.Month > time.December || d.Day < 1 || d.Day > 31 {
		return false
	}
	t := d.In(time.UTC)
	return t.Year() == d.Year && t.Month() == d.Month && t.Day() == d.Day
}

// IsZero reports whether the date is unknown.
func (d CivilDate) IsZero() bool { return d == CivilDate{} }

// String formats the date as ISO 8601 "2006-01-02", or "" when unknown.
func (d CivilDate) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// In returns midnight at the start of the date in loc (UTC when nil).
func (d CivilDate) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AgeOn returns the age in whole years on the date of t (read in t's own
// location); 0 for an unknown date or a t before the birth date.
func (d CivilDate) AgeOn(t time.Time) int {
	if d.IsZero() {
		return 0
	}
	age := t.Year() - d.Year
	if t.Month() < d.Month || (t.Month() == d.Month && t.Day() < d.Day) {
		age--
	}
	return max(age, 0)
}

// MarshalText encodes the ISO form, so CivilDate works in JSON and forms.
func (d CivilDate) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText accepts the ISO form written by MarshalText, or "".
func (d *CivilDate) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = CivilDate{}
		return nil
	}
	t, err := time.Parse(time.DateOnly, string(b))
	if err != nil {
		return fmt.Errorf("vnconnect: civil date: %w", err)
	}
	*d = CivilDate{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	return nil
}
