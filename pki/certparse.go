package pki

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Certificate parsing of untrusted input goes through parseCertificate.
//
// crypto/x509 refuses a certificate whose CRLDistributionPoints names a
// distribution point with nameRelativeToCRLIssuer (RFC 5280 §4.2.1.13): its
// parser reads only fullName and errors on the other CHOICE. Such
// certificates are valid (PKITS 4.14.4, 4.14.5, 4.14.29) and the revocation
// code of this package understands relative names (crl_dp.go), so for that
// one failure, and only for it, parseCertificate lets crypto/x509 parse a
// copy in which the [1] tag of each relative name is rewritten to the [0] of
// fullName. The copy has the same length and differs in those tag bytes
// only, so every other field crypto/x509 derives from it — and every check
// it makes, duplicate extensions included — is that of the original. The
// result then gets back the original bytes wherever the copy's differ: Raw,
// RawTBSCertificate (what every signature check reads) and the extension's
// Value. Nothing here is cryptographic: it is a DER walk.

// errX509CRLDP is the message crypto/x509 returns for the failure tolerated.
// Should a later Go word it differently, the tolerance turns off (fail
// closed) and the PKITS test reports the three vectors again.
const errX509CRLDP = "x509: invalid CRL distribution point"

// maxTolerantCertBytes bounds the input of the tolerant path, which copies
// it: real certificates are a few KiB.
const maxTolerantCertBytes = 64 << 10

// maxRelativeDPs bounds the relative names rewritten in one certificate.
const maxRelativeDPs = 64

// parseCertificate parses one DER certificate as crypto/x509 does, but for
// the nameRelativeToCRLIssuer case above. It returns crypto/x509's error
// when it refuses.
func parseCertificate(der []byte) (*x509.Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err == nil || err.Error() != errX509CRLDP || len(der) > maxTolerantCertBytes {
		return c, err
	}
	t, ok := tolerantParse(der)
	if !ok {
		return nil, err
	}
	return t, nil
}

// tolerantParse is the rewrite described above; false refuses.
func tolerantParse(der []byte) (*x509.Certificate, bool) {
	loc, ok := locateRelativeDPs(der)
	if !ok {
		return nil, false
	}
	cp := bytes.Clone(der)
	for _, p := range loc.tagPos {
		if cp[p] != relTagRelative {
			return nil, false
		}
		cp[p] = relTagFull
	}
	c, err := x509.ParseCertificate(cp)
	if err != nil {
		return nil, false
	}
	ext := &c.Extensions[loc.extIndex]
	if !ext.Id.Equal(oidCRLDistributionPoints) || !bytes.Equal(c.Raw, cp) ||
		!bytes.Equal(c.RawTBSCertificate, cp[loc.tbsStart:loc.tbsEnd]) ||
		!bytes.Equal(ext.Value, cp[loc.valStart:loc.valEnd]) {
		return nil, false // not where the walk found it: refuse rather than guess
	}
	c.Raw = der
	c.RawTBSCertificate = der[loc.tbsStart:loc.tbsEnd:loc.tbsEnd]
	ext.Value = der[loc.valStart:loc.valEnd:loc.valEnd]
	// The distribution points must also be what revocation can use: a
	// malformed one would otherwise surface only at revocation time.
	if _, err := parseDistPoints(ext.Value, c.RawIssuer); err != nil {
		return nil, false
	}
	return c, true
}

const (
	relTagFull     = 0xa0 // [0] constructed: fullName (and distributionPoint)
	relTagRelative = 0xa1 // [1] constructed: nameRelativeToCRLIssuer
)

// dpLocation is where, in the DER, the tolerant path rewrites and restores.
type dpLocation struct {
	tbsStart, tbsEnd int
	extIndex         int // among the certificate's extensions
	valStart, valEnd int // the CRLDistributionPoints extnValue content
	tagPos           []int
}

// locateRelativeDPs walks Certificate → TBSCertificate → extensions →
// the single CRLDistributionPoints extension and records the position of
// each nameRelativeToCRLIssuer tag. It requires the extension to be
// well-formed but for those names, each of which must be a non-empty
// RelativeDistinguishedName, with at least one present.
func locateRelativeDPs(der []byte) (dpLocation, bool) {
	var loc dpLocation
	pos := func(s cryptobyte.String) int { return cap(der) - cap(s) } // offset of s in der
	input := cryptobyte.String(der)
	var cert, tbs cryptobyte.String
	if !input.ReadASN1(&cert, cbasn1.SEQUENCE) || !input.Empty() {
		return loc, false
	}
	loc.tbsStart = pos(cert)
	if !cert.ReadASN1Element(&tbs, cbasn1.SEQUENCE) {
		return loc, false
	}
	loc.tbsEnd = loc.tbsStart + len(tbs)
	var body cryptobyte.String
	if !tbs.ReadASN1(&body, cbasn1.SEQUENCE) {
		return loc, false
	}
	extTag := cbasn1.Tag(3).Constructed().ContextSpecific()
	var exts cryptobyte.String
	for !body.Empty() {
		var elem cryptobyte.String
		var tag cbasn1.Tag
		if !body.ReadAnyASN1(&elem, &tag) {
			return loc, false
		}
		if tag == extTag {
			if !elem.ReadASN1(&exts, cbasn1.SEQUENCE) || !elem.Empty() || !body.Empty() {
				return loc, false
			}
		}
	}
	found := false
	for i := 0; !exts.Empty(); i++ {
		var ext, val cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !exts.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&oid) {
			return loc, false
		}
		if ext.PeekASN1Tag(cbasn1.BOOLEAN) {
			var critical bool
			if !ext.ReadASN1Boolean(&critical) {
				return loc, false
			}
		}
		if !ext.ReadASN1(&val, cbasn1.OCTET_STRING) || !ext.Empty() {
			return loc, false
		}
		if !oid.Equal(oidCRLDistributionPoints) {
			continue
		}
		if found {
			return loc, false // duplicate: crypto/x509's refusal stands
		}
		found = true
		loc.extIndex, loc.valStart, loc.valEnd = i, pos(val), pos(val)+len(val)
		tags, ok := relativeDPTags(val, pos)
		if !ok {
			return loc, false
		}
		loc.tagPos = tags
	}
	if !found || len(loc.tagPos) == 0 {
		return loc, false
	}
	return loc, true
}

// relativeDPTags reads CRLDistributionPoints strictly:
//
//	SEQUENCE SIZE (1..MAX) OF DistributionPoint ::= SEQUENCE {
//	  distributionPoint [0] CHOICE { fullName [0] GeneralNames,
//	                                 nameRelativeToCRLIssuer [1] RDN } OPTIONAL,
//	  reasons [1] ReasonFlags OPTIONAL, cRLIssuer [2] GeneralNames OPTIONAL }
//
// and returns the offsets (by pos) of the nameRelativeToCRLIssuer tags;
// false refuses.
func relativeDPTags(val cryptobyte.String, pos func(cryptobyte.String) int) ([]int, bool) {
	var dps cryptobyte.String
	if !val.ReadASN1(&dps, cbasn1.SEQUENCE) || !val.Empty() || dps.Empty() {
		return nil, false
	}
	var out []int
	for !dps.Empty() {
		var dp cryptobyte.String
		if !dps.ReadASN1(&dp, cbasn1.SEQUENCE) {
			return nil, false
		}
		var name cryptobyte.String
		var present bool
		if !dp.ReadOptionalASN1(&name, &present, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return nil, false
		}
		if present {
			at := pos(name)
			var content cryptobyte.String
			var tag cbasn1.Tag
			if !name.ReadAnyASN1(&content, &tag) || !name.Empty() {
				return nil, false
			}
			switch tag {
			case cbasn1.Tag(0).Constructed().ContextSpecific():
			case cbasn1.Tag(1).Constructed().ContextSpecific():
				if !isRDN(content) || len(out) == maxRelativeDPs {
					return nil, false
				}
				out = append(out, at)
			default:
				return nil, false
			}
		}
		for _, t := range []cbasn1.Tag{cbasn1.Tag(1).ContextSpecific(), cbasn1.Tag(2).Constructed().ContextSpecific()} {
			if !dp.SkipOptionalASN1(t) {
				return nil, false
			}
		}
		if !dp.Empty() {
			return nil, false
		}
	}
	return out, true
}

// isRDN reports whether content is that of a non-empty SET OF
// AttributeTypeAndValue ::= SEQUENCE { type OID, value ANY }.
func isRDN(content cryptobyte.String) bool {
	if content.Empty() {
		return false
	}
	for !content.Empty() {
		var atv cryptobyte.String
		var oid asn1.ObjectIdentifier
		if !content.ReadASN1(&atv, cbasn1.SEQUENCE) || !atv.ReadASN1ObjectIdentifier(&oid) {
			return false
		}
		var v cryptobyte.String
		var tag cbasn1.Tag
		if !atv.ReadAnyASN1Element(&v, &tag) || !atv.Empty() {
			return false
		}
	}
	return true
}
