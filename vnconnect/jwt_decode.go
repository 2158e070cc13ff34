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

var headerNames = []string{"alg", "kid", "typ", "crit"}

// decodeHeader reads a protected header. Only alg, kid, typ and the
// presence of crit matter; key-carrying members (jwk, jku, x5u, x5c) are
// skipped unread, by design.
func decodeHeader(b string, h *jwtHeader) error {
	s := jsonScan{b: b}
	if err := s.begin(); err != nil {
		return err
	}
	var seen memberSet
	for first := true; ; first = false {
		key, ok, err := s.nextKey(first)
		if err != nil || !ok {
			return err
		}
		switch key {
		case "alg":
			err = seen.add(0)
			if err == nil {
				h.Alg, err = s.str()
			}
		case "kid":
			err = seen.add(1)
			if err == nil {
				h.Kid, err = s.str()
			}
		case "typ":
			err = seen.add(2)
			if err == nil {
				h.Typ, err = s.str()
			}
		case "crit":
			err = seen.add(3)
			if err == nil {
				h.Crit, err = s.rawValue()
			}
		default:
			if caseVariant(key, headerNames) {
				return errDuplicateMember
			}
			err = s.skip(0)
		}
		if err != nil {
			return err
		}
	}
}

var idTokenNames = []string{
	"iss", "sub", "aud", "azp", "exp", "iat", "nbf", "auth_time",
	"nonce", "acr", "amr", "at_hash", "c_hash", "sid", "events",
}

// decodeIDTokenClaims reads an ID token's claim set into c. Other claims
// (Vnconnect's TechID and the like) are validated and skipped; IDToken.Claims
// decodes them on demand.
func decodeIDTokenClaims(b string, c *idTokenClaims) error {
	s := jsonScan{b: b}
	if err := s.begin(); err != nil {
		return err
	}
	var seen memberSet
	for first := true; ; first = false {
		key, ok, err := s.nextKey(first)
		if err != nil || !ok {
			return err
		}
		idx := -1
		switch key {
		case "iss":
			idx = 0
			c.Issuer, err = s.str()
		case "sub":
			idx = 1
			c.Subject, err = s.str()
		case "aud":
			idx = 2
			var a []string
			a, err = s.strings(true)
			c.Audience = a
		case "azp":
			idx = 3
			c.AZP, err = s.str()
		case "exp":
			idx = 4
			c.Exp, err = s.date()
		case "iat":
			idx = 5
			c.Iat, err = s.date()
		case "nbf":
			idx = 6
			c.Nbf, err = s.date()
		case "auth_time":
			idx = 7
			c.AuthTime, err = s.date()
		case "nonce":
			idx = 8
			c.Nonce, err = s.str()
		case "acr":
			idx = 9
			c.ACR, err = s.str()
		case "amr":
			idx = 10
			c.AMR, err = s.strings(false)
		case "at_hash":
			idx = 11
			c.AtHash, err = s.str()
		case "c_hash":
			idx = 12
			c.CHash, err = s.str()
		case "sid":
			idx = 13
			c.SID, err = s.str()
		case "events":
			idx = 14
			c.Events, err = s.rawValue()
		default:
			if caseVariant(key, idTokenNames) {
				return errDuplicateMember
			}
			err = s.skip(0)
		}
		if err != nil {
			return err
		}
		if idx >= 0 {
			if err := seen.add(idx); err != nil {
				return err
			}
		}
	}
}

var logoutNames = []string{
	"iss", "sub", "aud", "azp", "exp", "iat", "nbf", "jti", "sid", "events", "nonce",
}

// decodeLogoutClaims reads a logout token's claim set. For "events" it
// records whether the back-channel logout member is present and is an
// object; for "nonce" only whether it is present at all.
func decodeLogoutClaims(b string, c *logoutClaims) error {
	s := jsonScan{b: b}
	if err := s.begin(); err != nil {
		return err
	}
	var seen memberSet
	for first := true; ; first = false {
		key, ok, err := s.nextKey(first)
		if err != nil || !ok {
			return err
		}
		idx := -1
		switch key {
		case "iss":
			idx = 0
			c.Issuer, err = s.str()
		case "sub":
			idx = 1
			c.Subject, err = s.str()
		case "aud":
			idx = 2
			var a []string
			a, err = s.strings(true)
			c.Audience = a
		case "azp":
			idx = 3
			c.AZP, err = s.str()
		case "exp":
			idx = 4
			c.Exp, err = s.date()
		case "iat":
			idx = 5
			c.Iat, err = s.date()
		case "nbf":
			idx = 6
			c.Nbf, err = s.date()
		case "jti":
			idx = 7
			c.JTI, err = s.str()
		case "sid":
			idx = 8
			c.SID, err = s.str()
		case "events":
			idx = 9
			c.HasEvents = true
			c.LogoutEvent, err = decodeLogoutEvents(&s)
		case "nonce":
			idx = 10
			c.HasNonce = true
			err = s.skip(0)
		default:
			if caseVariant(key, logoutNames) {
				return errDuplicateMember
			}
			err = s.skip(0)
		}
		if err != nil {
			return err
		}
		if idx >= 0 {
			if err := seen.add(idx); err != nil {
				return err
			}
		}
	}
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
