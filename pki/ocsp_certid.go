package pki

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/crypto/ocsp"
)

// checkOCSPCertID makes sure the answer x/crypto/ocsp read is about c as
// issued by issuer (RFC 6960 §3.2 (1)): ParseResponseForCert picks the
// first SingleResponse with c's serial number without looking at the
// issuer its CertID names, so an answer signed by issuer (or its delegate)
// about another CA's certificate with the same serial would otherwise
// decide c. That SingleResponse's issuerNameHash and issuerKeyHash must be
// those of issuer, under the CertID's hash algorithm (r.IssuerHash).
func checkOCSPCertID(r *ocsp.Response, c, issuer *x509.Certificate) error {
	nameHash, keyHash, ok := ocspCertIDHashes(r.TBSResponseData, c.SerialNumber)
	if !ok {
		return fmt.Errorf("%w: malformed responses", ErrOCSPInvalid)
	}
	h := r.IssuerHash
	if !h.Available() {
		return fmt.Errorf("%w: unsupported CertID hash", ErrOCSPInvalid)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if rest, err := asn1.Unmarshal(issuer.RawSubjectPublicKeyInfo, &spki); err != nil || len(rest) != 0 {
		return fmt.Errorf("%w: issuer public key", ErrOCSPInvalid)
	}
	hn := h.New()
	hn.Write(issuer.RawSubject)
	hk := h.New()
	hk.Write(spki.PublicKey.RightAlign())
	if !bytes.Equal(nameHash, hn.Sum(nil)) || !bytes.Equal(keyHash, hk.Sum(nil)) {
		return fmt.Errorf("%w: answer for another issuer's certificate", ErrOCSPInvalid)
	}
	return nil
}

// ocspCertIDHashes returns the issuer hashes of the CertID of the first
// SingleResponse of a DER ResponseData whose serial number is serial — the
// one x/crypto/ocsp reads.
func ocspCertIDHashes(tbs []byte, serial *big.Int) (nameHash, keyHash []byte, ok bool) {
	in := cryptobyte.String(tbs)
	var body, responses cryptobyte.String
	var skip cryptobyte.String
	var tag cbasn1.Tag
	if !in.ReadASN1(&body, cbasn1.SEQUENCE) || !in.Empty() ||
		!body.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!body.ReadAnyASN1(&skip, &tag) || // responderID
		!body.SkipASN1(cbasn1.GeneralizedTime) || !body.ReadASN1(&responses, cbasn1.SEQUENCE) {
		return nil, nil, false
	}
	for !responses.Empty() {
		var single, certID cryptobyte.String
		n := new(big.Int)
		if !responses.ReadASN1(&single, cbasn1.SEQUENCE) || !single.ReadASN1(&certID, cbasn1.SEQUENCE) ||
			!certID.SkipASN1(cbasn1.SEQUENCE) || // hashAlgorithm
			!certID.ReadASN1Bytes(&nameHash, cbasn1.OCTET_STRING) || !certID.ReadASN1Bytes(&keyHash, cbasn1.OCTET_STRING) ||
			!certID.ReadASN1Integer(n) || !certID.Empty() {
			return nil, nil, false
		}
		if n.Cmp(serial) == 0 {
			return nameHash, keyHash, true
		}
	}
	return nil, nil, false
}
