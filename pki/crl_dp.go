package pki

import (
	"encoding/asn1"
	"errors"
	"strconv"
	"strings"
)

// Distribution points: the certificate's CRLDistributionPoints and the CRL's
// IssuingDistributionPoint, parsed with encoding/asn1 because crypto/x509
// keeps only the URLs of the first and nothing of the second.

var (
	oidCRLDistributionPoints = asn1.ObjectIdentifier{2, 5, 29, 31}
	oidIssuingDP             = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidDeltaCRLIndicator     = asn1.ObjectIdentifier{2, 5, 29, 27}
	oidCRLNumber             = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidAuthorityKeyID        = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidFreshestCRL           = asn1.ObjectIdentifier{2, 5, 29, 46}
	oidAuthorityInfoAccess   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}
	oidReasonCode            = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidInvalidityDate        = asn1.ObjectIdentifier{2, 5, 29, 24}
	oidCertificateIssuer     = asn1.ObjectIdentifier{2, 5, 29, 29}
	oidHoldInstruction       = asn1.ObjectIdentifier{2, 5, 29, 23}
)

// reasonMask holds ReasonFlags bits 1 (keyCompromise) … 8 (aACompromise).
type reasonMask uint16

const allReasons reasonMask = 0x1fe

var errDP = errors.New("malformed distribution point")

func parseReasonFlags(content []byte) (reasonMask, error) {
	// Implicitly tagged BIT STRING content: unused-bit count, then bits.
	if len(content) == 0 || content[0] > 7 {
		return 0, errDP
	}
	var m reasonMask
	for i := 1; i <= 8; i++ {
		byteIdx, bit := 1+i/8, 7-uint(i%8)
		if byteIdx < len(content) && content[byteIdx]>>bit&1 == 1 {
			m |= 1 << i
		}
	}
	return m, nil
}

// dpNames reads a DistributionPointName ([0] fullName | [1]
// nameRelativeToCRLIssuer) into comparable keys; relative names are
// resolved against base (a DER Name).
func dpNames(rv asn1.RawValue, base []byte) ([]string, error) {
	var inner asn1.RawValue
	if _, err := asn1.Unmarshal(rv.Bytes, &inner); err != nil {
		return nil, err
	}
	switch inner.Tag {
	case 0:
		gns, err := parseGeneralNamesContent(inner.Bytes)
		if err != nil {
			return nil, err
		}
		out := make([]string, 0, len(gns))
		for _, g := range gns {
			k, err := gnKey(g)
			if err != nil {
				return nil, err
			}
			out = append(out, k)
		}
		return out, nil
	case 1:
		baseRDNs, err := nameRDNs(base)
		if err != nil {
			return nil, err
		}
		set, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: inner.Bytes})
		if err != nil {
			return nil, err
		}
		name, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: set})
		if err != nil {
			return nil, err
		}
		rel, err := nameRDNs(name)
		if err != nil {
			return nil, err
		}
		return []string{dirKey(append(append([]string(nil), baseRDNs...), rel...))}, nil
	}
	return nil, errDP
}

func dirKey(rdns []string) string {
	var b strings.Builder
	b.WriteString("4:")
	for _, r := range rdns {
		b.WriteString(strconv.Itoa(len(r)))
		b.WriteByte('/')
		b.WriteString(r)
	}
	return b.String()
}

// gnKey is a comparison key for a GeneralName.
func gnKey(g generalName) (string, error) {
	if g.tag == gnDirectory {
		rdns, err := nameRDNs(g.value)
		if err != nil {
			return "", err
		}
		return dirKey(rdns), nil
	}
	return strconv.Itoa(g.tag) + ":" + string(g.value), nil
}

// distPoint is one DistributionPoint of a certificate.
type distPoint struct {
	names      []string // keys; nil when the field is absent
	urls       []string // http URLs among the full names
	reasons    reasonMask
	crlIssuers [][]byte // DER names of cRLIssuer; nil when absent
	issuerKeys []string
}

// parseDistPoints parses CRLDistributionPoints syntax, shared by the
// FreshestCRL extension of certificates and CRLs; issuer (DER) is the name
// relative distribution point names resolve against when no cRLIssuer is
// given. A certificate without the extension has one empty point, "the CRL
// of its issuer" (see parseCertDPs).
func parseDistPoints(ext, issuer []byte) ([]distPoint, error) {
	var dps []asn1.RawValue
	if rest, err := asn1.Unmarshal(ext, &dps); err != nil || len(rest) != 0 {
		return nil, errDP
	}
	if len(dps) > maxGeneralNames {
		return nil, errDP
	}
	out := make([]distPoint, 0, len(dps))
	for _, dpRaw := range dps {
		dp := distPoint{reasons: allReasons}
		var fields []asn1.RawValue
		body := dpRaw.Bytes
		for len(body) > 0 {
			var f asn1.RawValue
			var err error
			if body, err = asn1.Unmarshal(body, &f); err != nil {
				return nil, err
			}
			fields = append(fields, f)
		}
		// cRLIssuer first: relative names resolve against it.
		for _, f := range fields {
			if f.Tag == 2 {
				gns, err := parseGeneralNamesContent(f.Bytes)
				if err != nil {
					return nil, err
				}
				for _, g := range gns {
					if g.tag == gnDirectory {
						dp.crlIssuers = append(dp.crlIssuers, g.value)
						k, err := gnKey(g)
						if err != nil {
							return nil, err
						}
						dp.issuerKeys = append(dp.issuerKeys, k)
					}
				}
				if dp.crlIssuers == nil {
					return nil, errDP // a cRLIssuer we cannot match
				}
			}
		}
		for _, f := range fields {
			switch f.Tag {
			case 0:
				base := issuer
				if len(dp.crlIssuers) > 0 {
					base = dp.crlIssuers[0]
				}
				names, err := dpNames(f, base)
				if err != nil {
					return nil, err
				}
				dp.names = names
				for _, n := range names {
					if strings.HasPrefix(n, "6:http://") {
						dp.urls = append(dp.urls, n[2:])
					}
				}
			case 1:
				m, err := parseReasonFlags(f.Bytes)
				if err != nil {
					return nil, err
				}
				dp.reasons = m
			}
		}
		out = append(out, dp)
	}
	return out, nil
}

// issuingDP is a CRL's IssuingDistributionPoint.
type issuingDP struct {
	names                      []string
	onlyUser, onlyCA, onlyAttr bool
	indirect                   bool
	reasons                    reasonMask // allReasons when absent
}

func parseIssuingDP(der, crlIssuer []byte) (*issuingDP, error) {
	var seq asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &seq); err != nil || len(rest) != 0 || seq.Tag != asn1.TagSequence {
		return nil, errDP
	}
	idp := &issuingDP{reasons: allReasons}
	body := seq.Bytes
	boolean := func(f asn1.RawValue) bool { return len(f.Bytes) == 1 && f.Bytes[0] != 0 }
	for len(body) > 0 {
		var f asn1.RawValue
		var err error
		if body, err = asn1.Unmarshal(body, &f); err != nil {
			return nil, err
		}
		if f.Class != asn1.ClassContextSpecific {
			return nil, errDP
		}
		switch f.Tag {
		case 0:
			if idp.names, err = dpNames(f, crlIssuer); err != nil {
				return nil, err
			}
		case 1:
			idp.onlyUser = boolean(f)
		case 2:
			idp.onlyCA = boolean(f)
		case 3:
			if idp.reasons, err = parseReasonFlags(f.Bytes); err != nil {
				return nil, err
			}
		case 4:
			idp.indirect = boolean(f)
		case 5:
			idp.onlyAttr = boolean(f)
		default:
			return nil, errDP
		}
	}
	return idp, nil
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
