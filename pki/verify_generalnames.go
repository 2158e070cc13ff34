package pki

import (
	"encoding/asn1"
	"errors"
)

// GeneralName forms (RFC 5280 §4.2.1.6), as context-specific tags.
const (
	gnOther     = 0
	gnRFC822    = 1
	gnDNS       = 2
	gnX400      = 3
	gnDirectory = 4
	gnEDIParty  = 5
	gnURI       = 6
	gnIP        = 7
	gnRegID     = 8
)

// generalName is one GeneralName: its form and value. For a directoryName
// the value is the DER Name; for the string forms, the IA5 bytes.
type generalName struct {
	tag   int
	value []byte
}

// maxGeneralNames bounds names per extension (fuzzed input, DoS).
const maxGeneralNames = 256

var errGeneralNames = errors.New("malformed GeneralNames")

// parseGeneralNamesContent reads the content octets of a GeneralNames
// SEQUENCE (or of an implicitly tagged one: same content).
func parseGeneralNamesContent(content []byte) ([]generalName, error) {
	var out []generalName
	for len(content) > 0 {
		var rv asn1.RawValue
		rest, err := asn1.Unmarshal(content, &rv)
		if err != nil {
			return nil, err
		}
		content = rest
		if rv.Class != asn1.ClassContextSpecific {
			return nil, errGeneralNames
		}
		if len(out) == maxGeneralNames {
			return nil, errGeneralNames
		}
		out = append(out, generalName{tag: rv.Tag, value: rv.Bytes})
	}
	return out, nil
}

// parseGeneralNames reads a DER GeneralNames SEQUENCE.
func parseGeneralNames(der []byte) ([]generalName, error) {
	var seq asn1.RawValue
	rest, err := asn1.Unmarshal(der, &seq)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 || seq.Class != asn1.ClassUniversal || seq.Tag != asn1.TagSequence {
		return nil, errGeneralNames
	}
	return parseGeneralNamesContent(seq.Bytes)
}

// sameGeneralName compares two GeneralNames: names by RFC 5280 §7.1, other
// forms byte for byte.
func sameGeneralName(a, b generalName) bool {
	if a.tag != b.tag {
		return false
	}
	if a.tag == gnDirectory {
		return sameName(a.value, b.value)
	}
	return string(a.value) == string(b.value)
}
