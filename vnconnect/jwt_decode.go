package vnconnect

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// The decoders below fill the verifiers' typed structs from a header or a
// claim set in one pass of jsonScan. Two rules apply to every member they
// know, on top of JSON syntax:
//
//   - a duplicate is refused: RFC 7515/7519 allow refusing them, and two
//     parsers (ours and, later, encoding/json in Claims) must never be
//     able to see two different values;
//   - a member whose name differs from a known one only by letter case
//     ("ISS", "Nonce") is refused, because encoding/json, which callers
//     use on the same payload, matches names case-insensitively.

var errDuplicateMember = errors.New("duplicate or case-variant member")

// memberSet tracks which known members were seen.
type memberSet uint32

func (m *memberSet) add(i int) error {
	if *m&(1<<i) != 0 {
		return errDuplicateMember
	}
	*m |= 1 << i
	return nil
}

// caseVariant reports whether key equals one of names under the Unicode
// case folding encoding/json applies (so "ISS", and also "\u017fub" with a
// long s, match "sub"); the exact match was handled by the caller's switch.
// Folding can change the byte length only through non-ASCII runes, so
// ASCII keys of another length are skipped cheaply.
func caseVariant(key string, names []string) bool {
	ascii := true
	for i := 0; i < len(key); i++ {
		if key[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	for _, n := range names {
		if (len(n) == len(key) || !ascii) && strings.EqualFold(n, key) {
			return true
		}
	}
	return false
}

// decodeObject reads the JSON object in s member by member and applies the
// two rules above in one place. For each member, known reads the value if
// the name is one the caller decodes and returns its index in names (its
// bit in the duplicate check); for any other name it returns -1 without
// reading, and decodeObject refuses a case variant of names and skips the
// value otherwise.
//
// known reads through the caller's own s (it is a closure over it), so
// neither s nor the closure escapes: decoding stays allocation-free apart
// from the strings it returns.
func decodeObject(s *jsonScan, names []string, known func(key string) (int, error)) error {
	if err := s.begin(); err != nil {
		return err
	}
	var seen memberSet
	for first := true; ; first = false {
		key, ok, err := s.nextKey(first)
		if err != nil || !ok {
			return err
		}
		idx, err := known(key)
		switch {
		case err != nil:
			return err
		case idx >= 0:
			err = seen.add(idx)
		case caseVariant(key, names):
			return errDuplicateMember
		default:
			err = s.skip(0)
		}
		if err != nil {
			return err
		}
	}
}

var headerNames = []string{"alg", "kid", "typ", "crit"}

// decodeHeader reads a protected header. Only alg, kid, typ and the
// presence of crit matter; key-carrying members (jwk, jku, x5u, x5c) are
// skipped unread, by design.
func decodeHeader(b string, h *jwtHeader) error {
	s := jsonScan{b: b}
	return decodeObject(&s, headerNames, func(key string) (idx int, err error) {
		switch key {
		case "alg":
			h.Alg, err = s.str()
			return 0, err
		case "kid":
			h.Kid, err = s.str()
			return 1, err
		case "typ":
			h.Typ, err = s.str()
			return 2, err
		case "crit":
			h.Crit, err = s.rawValue()
			return 3, err
		}
		return -1, nil
	})
}

// registeredClaims are the RFC 7519 claims that ID tokens and logout
// tokens share and check alike (checkIssAudAzp, checkTimes).
type registeredClaims struct {
	Issuer, Subject, AZP string
	Audience             jwtAudience
	Exp, Iat, Nbf        jwtTime
}

// registeredNames are the members registeredClaims.decode reads, in the
// order of the indexes it returns; the token decoders number their own
// members from len(registeredNames) on.
var registeredNames = []string{"iss", "sub", "aud", "azp", "exp", "iat", "nbf"}

// withRegistered returns registeredNames followed by more.
func withRegistered(more ...string) []string {
	return append(registeredNames[:len(registeredNames):len(registeredNames)], more...)
}

// decode reads the value of key into r if key is a registered claim and
// returns its index in registeredNames; otherwise it returns -1 and reads
// nothing.
func (r *registeredClaims) decode(s *jsonScan, key string) (idx int, err error) {
	switch key {
	case "iss":
		r.Issuer, err = s.str()
		return 0, err
	case "sub":
		r.Subject, err = s.str()
		return 1, err
	case "aud":
		var a []string
		a, err = s.strings(true)
		r.Audience = a
		return 2, err
	case "azp":
		r.AZP, err = s.str()
		return 3, err
	case "exp":
		r.Exp, err = s.date()
		return 4, err
	case "iat":
		r.Iat, err = s.date()
		return 5, err
	case "nbf":
		r.Nbf, err = s.date()
		return 6, err
	}
	return -1, nil
}

// idTokenNames indexes decodeIDTokenClaims' members.
var idTokenNames = withRegistered(
	"auth_time", "nonce", "acr", "amr", "at_hash", "c_hash", "sid", "events",
)

// decodeIDTokenClaims reads an ID token's claim set into c. Other claims
// (Vnconnect's TechID and the like) are validated and skipped; IDToken.Claims
// decodes them on demand.
func decodeIDTokenClaims(b string, c *idTokenClaims) error {
	s := jsonScan{b: b}
	return decodeObject(&s, idTokenNames, func(key string) (idx int, err error) {
		if idx, err = c.registeredClaims.decode(&s, key); idx >= 0 {
			return idx, err
		}
		switch key {
		case "auth_time":
			c.AuthTime, err = s.date()
			return 7, err
		case "nonce":
			c.Nonce, err = s.str()
			return 8, err
		case "acr":
			c.ACR, err = s.str()
			return 9, err
		case "amr":
			c.AMR, err = s.strings(false)
			return 10, err
		case "at_hash":
			c.AtHash, err = s.str()
			return 11, err
		case "c_hash":
			c.CHash, err = s.str()
			return 12, err
		case "sid":
			c.SID, err = s.str()
			return 13, err
		case "events":
			c.Events, err = s.rawValue()
			return 14, err
		}
		return -1, nil
	})
}

// logoutNames indexes decodeLogoutClaims' members.
var logoutNames = withRegistered("jti", "sid", "events", "nonce")

// decodeLogoutClaims reads a logout token's claim set. For "events" it
// records whether the back-channel logout member is present and is an
// object; for "nonce" only whether it is present at all.
func decodeLogoutClaims(b string, c *logoutClaims) error {
	s := jsonScan{b: b}
	return decodeObject(&s, logoutNames, func(key string) (idx int, err error) {
		if idx, err = c.registeredClaims.decode(&s, key); idx >= 0 {
			return idx, err
		}
		switch key {
		case "jti":
			c.JTI, err = s.str()
			return 7, err
		case "sid":
			c.SID, err = s.str()
			return 8, err
		case "events":
			c.HasEvents = true
			c.LogoutEvent, err = decodeLogoutEvents(&s)
			return 9, err
		case "nonce":
			c.HasNonce = true
			return 10, s.skip(0)
		}
		return -1, nil
	})
}

// decodeLogoutEvents reads the "events" object and reports whether it has
// the back-channel logout member with an object value.
func decodeLogoutEvents(s *jsonScan) (found bool, err error) {
	if s.peek() != '{' {
		return false, errJSONSyntax
	}
	raw, err := s.rawValue()
	if err != nil {
		return false, err
	}
	in := jsonScan{b: raw}
	_ = in.begin()
	for first := true; ; first = false {
		key, ok, err := in.nextKey(first)
		if err != nil || !ok {
			return found, err
		}
		if key == BackchannelLogoutEvent {
			if found {
				return false, errDuplicateMember
			}
			found = in.peek() == '{'
		}
		if err := in.skip(0); err != nil {
			return false, err
		}
	}
}
