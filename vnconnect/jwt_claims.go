package vnconnect

import (
	"errors"
	"math"
	"strconv"
	"time"
)

// jwtAudience is the "aud" claim, which RFC 7519 allows as one string or an
// array of strings (WSO2 sends an array, other providers a string);
// jsonScan.strings(true) reads both forms.
type jwtAudience []string

func (a jwtAudience) contains(s string) bool {
	for _, x := range a {
		if x == s {
			return true
		}
	}
	return false
}

// maxNumericDate is 9999-12-31T23:59:59Z: anything later is not a date a
// provider would mean, and refusing it keeps float→int conversions exact.
const maxNumericDate = 253402300799

// jwtTime is a JWT NumericDate (seconds since the epoch, possibly
// fractional). set distinguishes an absent claim from the epoch.
type jwtTime struct {
	t   time.Time
	set bool
}

// parse reads the text of a JSON number.
func (d *jwtTime) parse(b string) error {
	// Integers are the common case and exact; fall back to float for the
	// fractional seconds RFC 7519 permits.
	if secs, err := strconv.ParseInt(b, 10, 64); err == nil {
		if secs < 0 || secs > maxNumericDate {
			return errors.New("NumericDate out of range")
		}
		*d = jwtTime{t: time.Unix(secs, 0), set: true}
		return nil
	}
	f, err := strconv.ParseFloat(b, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > maxNumericDate {
		return errors.New("NumericDate is not a number in range")
	}
	sec, frac := math.Modf(f)
	*d = jwtTime{t: time.Unix(int64(sec), int64(frac*1e9)), set: true}
	return nil
}

// time returns the zero time for an absent claim.
func (d jwtTime) time() time.Time {
	if !d.set {
		return time.Time{}
	}
	return d.t
}
