package pki

import (
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
)

// DER builders for distribution points, and an independent way to strip an
// extension (encoding/asn1 re-encoding) used as the oracle of the tolerant
// certificate parse.

func tlv(class, tag int, compound bool, content ...[]byte) []byte {
	var b []byte
	for _, c := range content {
		b = append(b, c...)
	}
	der, err := asn1.Marshal(asn1.RawValue{Class: class, Tag: tag, IsCompound: compound, Bytes: b})
	if err != nil {
		panic(err)
	}
	return der
}

func tagged(tag int, content ...[]byte) []byte {
	return tlv(asn1.ClassContextSpecific, tag, true, content...)
}
func seq(content ...[]byte) []byte {
	return tlv(asn1.ClassUniversal, asn1.TagSequence, true, content...)
}

var oidCN = asn1.ObjectIdentifier{2, 5, 4, 3}

// cnATV is an AttributeTypeAndValue CN=value.
func cnATV(value string) []byte {
	der, err := asn1.Marshal(pkix.AttributeTypeAndValue{Type: oidCN, Value: value})
	if err != nil {
		panic(err)
	}
	return der
}

// relDP is a DistributionPoint whose name is nameRelativeToCRLIssuer
// CN=cn; extra fields (reasons, cRLIssuer) follow.
func relDP(cn string, extra ...[]byte) []byte {
	return seq(append([][]byte{tagged(0, tagged(1, cnATV(cn)))}, extra...)...)
}

// uriDP is a DistributionPoint with a fullName URI.
func uriDP(uri string) []byte {
	return seq(tagged(0, tagged(0, tlv(asn1.ClassContextSpecific, 6, false, []byte(uri)))))
}

// dirName is a GeneralName directoryName.
func dirName(name []byte) []byte { return tagged(4, name) }

func crldpExt(dps ...[]byte) pkix.Extension {
	return pkix.Extension{Id: oidCRLDistributionPoints, Value: seq(dps...)}
}

// relLeafDER issues a leaf under the fixture's sub-CA with exts as extra
// extensions, returning its DER unparsed.
func (f *fixture) relLeafDER(tb testing.TB, exts ...pkix.Extension) []byte {
	tb.Helper()
	tmpl := &x509.Certificate{}
	*tmpl = *f.leafTemplate()
	tmpl.ExtraExtensions = exts
	f.serial++
	tmpl.SerialNumber = big.NewInt(f.serial)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, f.sub, &fxKey(2).PublicKey, f.subKey)
	if err != nil {
		tb.Fatal(err)
	}
	return der
}

func (f *fixture) leafTemplate() *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{Country: []string{"VN"}, CommonName: "SỞ Y TẾ"},
		NotBefore:             fxNow.AddDate(-1, 0, 0),
		NotAfter:              fxNow.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		CRLDistributionPoints: []string{fxCRLURL},
	}
}

// stripExtension re-encodes der without the extensions of id, with
// encoding/asn1: independent of the cryptobyte walk under test. ok is
// false when der is not shaped for it.
func stripExtension(der []byte, id asn1.ObjectIdentifier) (out []byte, ok bool) {
	var cert asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &cert); err != nil || len(rest) != 0 || cert.Tag != asn1.TagSequence {
		return nil, false
	}
	var tbs asn1.RawValue
	after, err := asn1.Unmarshal(cert.Bytes, &tbs)
	if err != nil {
		return nil, false
	}
	var fields [][]byte
	body := tbs.Bytes
	for len(body) > 0 {
		var f asn1.RawValue
		if body, err = asn1.Unmarshal(body, &f); err != nil {
			return nil, false
		}
		if f.Class == asn1.ClassContextSpecific && f.Tag == 3 {
			var exts []asn1.RawValue
			if rest, err := asn1.Unmarshal(f.Bytes, &exts); err != nil || len(rest) != 0 {
				return nil, false
			}
			var kept [][]byte
			for _, e := range exts {
				var ext pkix.Extension
				if rest, err := asn1.Unmarshal(e.FullBytes, &ext); err != nil || len(rest) != 0 {
					return nil, false
				}
				if !ext.Id.Equal(id) {
					kept = append(kept, e.FullBytes)
				}
			}
			if len(kept) == 0 {
				continue
			}
			fields = append(fields, tagged(3, seq(kept...)))
			continue
		}
		fields = append(fields, f.FullBytes)
	}
	return seq(seq(fields...), after), true
}
