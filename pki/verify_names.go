package pki

import (
	"bytes"
	"encoding/asn1"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Distinguished names are compared the way RFC 5280 §7.1 asks: attribute by
// attribute, values of the directory string types case-insensitively and with
// runs of white space collapsed, whatever string type encodes them
// (PrintableString in one certificate, UTF8String in the next: PKITS 4.3).
// crypto/x509 compares raw bytes only, which is why the verifier builds paths
// itself.

// atv is one AttributeTypeAndValue with the value left encoded.
type atv struct {
	Type  asn1.ObjectIdentifier
	Value asn1.RawValue
}

// maxNameRDNs bounds the work spent on one name.
const maxNameRDNs = 64

// nameRDNs returns the normalized form of each RDN of a DER Name, in order.
// Two names are equal when their RDN lists are; a name is within a
// directoryName subtree when its list starts with the subtree's.
func nameRDNs(der []byte) ([]string, error) {
	var seq []asn1.RawValue
	rest, err := asn1.Unmarshal(der, &seq)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, asn1.SyntaxError{Msg: "trailing data after name"}
	}
	if len(seq) > maxNameRDNs {
		return nil, asn1.StructuralError{Msg: "name has too many RDNs"}
	}
	out := make([]string, 0, len(seq))
	for _, set := range seq {
		var atvs []atv
		if _, err := asn1.UnmarshalWithParams(set.FullBytes, &atvs, "set"); err != nil {
			return nil, err
		}
		parts := make([]string, 0, len(atvs))
		for _, a := range atvs {
			parts = append(parts, a.Type.String()+"="+normValue(a.Value))
		}
		if len(parts) > 1 {
			sortStrings(parts) // a multi-valued RDN is a set
		}
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(strconv.Itoa(len(p)))
			b.WriteByte(':')
			b.WriteString(p)
		}
		out = append(out, b.String())
	}
	return out, nil
}

// nameKey is the comparison key of a DER name. A name that does not parse is
// keyed by its raw bytes, so it can still equal itself byte for byte.
func nameKey(der []byte) string {
	rdns, err := nameRDNs(der)
	if err != nil {
		return "\xffraw:" + string(der)
	}
	var b strings.Builder
	for _, r := range rdns {
		b.WriteString(strconv.Itoa(len(r)))
		b.WriteByte('/')
		b.WriteString(r)
	}
	return b.String()
}

// sameName reports whether two DER names are equal under RFC 5280 §7.1.
func sameName(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	return nameKey(a) == nameKey(b)
}

// normValue turns an attribute value into its comparison form: string types
// decoded, case-folded, white space trimmed and collapsed; other types kept as
// their DER so they compare exactly.
func normValue(v asn1.RawValue) string {
	if v.Class != asn1.ClassUniversal {
		return "#" + string(v.FullBytes)
	}
	var s string
	switch v.Tag {
	case asn1.TagUTF8String, asn1.TagPrintableString, asn1.TagIA5String, 26 /* VisibleString */, asn1.TagNumericString:
		if !utf8.Valid(v.Bytes) {
			return "#" + string(v.FullBytes)
		}
		s = string(v.Bytes)
	case asn1.TagT61String:
		// T.61 in practice carries Latin-1.
		r := make([]rune, len(v.Bytes))
		for i, c := range v.Bytes {
			r[i] = rune(c)
		}
		s = string(r)
	case asn1.TagBMPString:
		if len(v.Bytes)%2 != 0 {
			return "#" + string(v.FullBytes)
		}
		u := make([]uint16, len(v.Bytes)/2)
		for i := range u {
			u[i] = uint16(v.Bytes[2*i])<<8 | uint16(v.Bytes[2*i+1])
		}
		s = string(utf16.Decode(u))
	case 28: // UniversalString, UCS-4
		if len(v.Bytes)%4 != 0 {
			return "#" + string(v.FullBytes)
		}
		r := make([]rune, len(v.Bytes)/4)
		for i := range r {
			b := v.Bytes[4*i:]
			r[i] = rune(uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]))
		}
		s = string(r)
	default:
		return "#" + string(v.FullBytes)
	}
	return "\"" + strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// sortStrings is an insertion sort: RDN sets are tiny.
func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// hasPrefixRDNs reports whether name starts with base (directoryName subtree).
func hasPrefixRDNs(name, base []string) bool {
	if len(base) > len(name) {
		return false
	}
	for i := range base {
		if name[i] != base[i] {
			return false
		}
	}
	return true
}
