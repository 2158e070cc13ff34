package vnconnect

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonScan reads one JSON object member by member. It exists because token
// verification is dominated, after the RSA operation, by JSON decoding:
// encoding/json scans the input twice (validate, then decode) and allocates
// per value, which alone costs more than the 20% budget the verifier has
// over a bare signature check. This reader makes one pass, allocates only
// for the strings it returns, and validates everything it skips, so a
// document it accepts is valid JSON (RFC 8259) that encoding/json decodes to
// the same values (FuzzJSONScanMatchesEncodingJSON checks this).
//
// It is stricter than encoding/json in three ways, all deliberate: strings
// must be valid UTF-8 (no silent U+FFFD substitution), nesting is limited
// to jsonMaxDepth, and the callers refuse duplicate members.
//
// It reads a string, not a []byte: string values without escapes are
// returned as substrings of the input, which costs no allocation (they
// share the input's memory, which IDToken keeps anyway).
type jsonScan struct {
	b string
	i int
}

// jsonMaxDepth bounds nesting in skipped values; claims are shallow.
const jsonMaxDepth = 64

var errJSONSyntax = errors.New("invalid JSON")

func (s *jsonScan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end (a NUL in the
// input is never valid where peek is used, so the two need no telling
// apart except after the top-level object, which checks the index).
func (s *jsonScan) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *jsonScan) expect(c byte) error {
	if s.peek() != c {
		return errJSONSyntax
	}
	s.i++
	return nil
}

// begin consumes the opening brace of the top-level object.
func (s *jsonScan) begin() error { return s.expect('{') }

// nextKey advances to the next member and returns its (unescaped) name; ok
// is false after the closing brace, which must then be followed only by
// whitespace. first tells whether this is the first call for the object.
func (s *jsonScan) nextKey(first bool) (key string, ok bool, err error) {
	c := s.peek()
	if c == '}' {
		s.i++
		if s.ws(); s.i != len(s.b) {
			return "", false, errJSONSyntax
		}
		return "", false, nil
	}
	if !first {
		if c != ',' {
			return "", false, errJSONSyntax
		}
		s.i++
	}
	if s.peek() != '"' {
		return "", false, errJSONSyntax
	}
	key, err = s.rawString()
	if err != nil {
		return "", false, err
	}
	if err := s.expect(':'); err != nil {
		return "", false, err
	}
	return key, true, nil
}

// rawString reads a string starting at '"' and returns it unescaped.
// Without escapes the result is a substring of the input (no allocation).
func (s *jsonScan) rawString() (string, error) {
	s.i++ // opening quote
	start := s.i
	ascii := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			out := s.b[start:s.i]
			s.i++
			if !ascii && !utf8.ValidString(out) {
				return "", errJSONSyntax
			}
			return out, nil
		case c == '\\':
			return s.unescape(start)
		case c < 0x20:
			return "", errJSONSyntax
		case c >= utf8.RuneSelf:
			ascii = false
		}
		s.i++
	}
	return "", errJSONSyntax
}

// unescape is the slow path of rawString, entered at the first backslash.
func (s *jsonScan) unescape(start int) (string, error) {
	out := make([]byte, 0, s.i-start+16)
	out = append(out, s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(out) {
				return "", errJSONSyntax
			}
			return string(out), nil
		case c < 0x20:
			return "", errJSONSyntax
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			return "", errJSONSyntax
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := s.hex4()
			if !ok {
				return "", errJSONSyntax
			}
			if utf16.IsSurrogate(r) {
				// A valid pair decodes to one rune; a lone surrogate
				// becomes U+FFFD and a following escape is read on its
				// own, as encoding/json does.
				r = s.lowSurrogate(r)
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", errJSONSyntax
		}
	}
	return "", errJSONSyntax
}

// lowSurrogate completes a UTF-16 pair whose high half is hi, consuming
// the "\uXXXX" that follows only when it forms a valid pair.
func (s *jsonScan) lowSurrogate(hi rune) rune {
	if s.i+1 >= len(s.b) || s.b[s.i] != '\\' || s.b[s.i+1] != 'u' {
		return utf8.RuneError
	}
	save := s.i
	s.i += 2
	lo, ok := s.hex4()
	if ok {
		if r := utf16.DecodeRune(hi, lo); r != utf8.RuneError {
			return r
		}
	}
	s.i = save
	return utf8.RuneError
}

func (s *jsonScan) hex4() (rune, bool) {
	if s.i+4 > len(s.b) {
		return 0, false
	}
	var r rune
	for _, c := range s.b[s.i : s.i+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	s.i += 4
	return r, true
}

// null consumes a null literal if one is next.
func (s *jsonScan) null() bool {
	if s.peek() == 'n' && s.i+4 <= len(s.b) && s.b[s.i:s.i+4] == "null" {
		s.i += 4
		return true
	}
	return false
}

// str reads a string value ("" for null).
func (s *jsonScan) str() (string, error) {
	if s.null() {
		return "", nil
	}
	if s.peek() != '"' {
		return "", errJSONSyntax
	}
	return s.rawString()
}

// strings reads an array of strings (nil for null). one allows a single
// string in place of the array (the "aud" claim).
func (s *jsonScan) strings(one bool) ([]string, error) {
	switch s.peek() {
	case 'n':
		if s.null() {
			return nil, nil
		}
		return nil, errJSONSyntax
	case '"':
		if !one {
			return nil, errJSONSyntax
		}
		v, err := s.str()
		if err != nil {
			return nil, err
		}
		return []string{v}, nil
	case '[':
		s.i++
	default:
		return nil, errJSONSyntax
	}
	out := []string{}
	if s.peek() == ']' {
		s.i++
		return out, nil
	}
	for {
		if s.peek() != '"' {
			// encoding/json also refuses a non-string element here.
			return nil, errJSONSyntax
		}
		v, err := s.str()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return out, nil
		default:
			return nil, errJSONSyntax
		}
	}
}

// number reads a JSON number and returns its text.
func (s *jsonScan) number() (string, error) {
	s.ws()
	start := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && '1' <= s.b[s.i] && s.b[s.i] <= '9':
		s.digits()
	default:
		return "", errJSONSyntax
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return "", errJSONSyntax
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return "", errJSONSyntax
		}
	}
	return s.b[start:s.i], nil
}

func (s *jsonScan) digits() int {
	n := 0
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// date reads a NumericDate (or null).
func (s *jsonScan) date() (jwtTime, error) {
	if s.null() {
		return jwtTime{}, nil
	}
	num, err := s.number()
	if err != nil {
		return jwtTime{}, err
	}
	var d jwtTime
	return d, d.parse(num)
}

// skip validates and skips one value of any type.
func (s *jsonScan) skip(depth int) error {
	if depth > jsonMaxDepth {
		return errJSONSyntax
	}
	switch c := s.peek(); c {
	case '"':
		_, err := s.rawString()
		return err
	case '{':
		s.i++
		if s.peek() == '}' {
			s.i++
			return nil
		}
		for {
			if s.peek() != '"' {
				return errJSONSyntax
			}
			if _, err := s.rawString(); err != nil {
				return err
			}
			if err := s.expect(':'); err != nil {
				return err
			}
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.i++
			case '}':
				s.i++
				return nil
			default:
				return errJSONSyntax
			}
		}
	case '[':
		s.i++
		if s.peek() == ']' {
			s.i++
			return nil
		}
		for {
			if err := s.skip(depth + 1); err != nil {
				return err
			}
			switch s.peek() {
			case ',':
				s.i++
			case ']':
				s.i++
				return nil
			default:
				return errJSONSyntax
			}
		}
	case 't', 'f', 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if s.i+len(lit) <= len(s.b) && s.b[s.i:s.i+len(lit)] == lit {
				s.i += len(lit)
				return nil
			}
		}
		return errJSONSyntax
	default:
		_, err := s.number()
		return err
	}
}

// rawValue skips one value and returns its text.
func (s *jsonScan) rawValue() (string, error) {
	s.ws()
	start := s.i
	if err := s.skip(0); err != nil {
		return "", err
	}
	return s.b[start:s.i], nil
}
