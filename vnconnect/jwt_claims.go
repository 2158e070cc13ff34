package vnconnect

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"
)

// jwtAudience is the "aud" claim, which RFC 7519 allows as one string or an
// array of strings; WSO2 sends an array, other providers a string.
type jwtAudience []string

func (a *jwtAudience) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = jwtAudience{s}
	case len(b) > 0 && b[0] == '[':
		var ss []string
		if err := json.Unmarshal(b, &ss); err != nil {
			return err
		}
		*a = ss
	case string(b) == "null":
		*a = nil
	default:
		return errors.New("aud is neither a string nor an array of strings")
	}
	return nil
}

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

func (d *jwtTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = jwtTime{}
		return nil
	}
	// Integers are the common case and exact; fall back to float for the
	// fractional seconds RFC 7519 permits.
	if secs, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		if secs < 0 || secs > maxNumericDate {
			return errors.New("NumericDate out of range")
		}
		*d = jwtTime{t: time.Unix(secs, 0), set: true}
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
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
