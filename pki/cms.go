package pki

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"time"

	"github.com/smallstep/pkcs7"
)

// CMS answers are parsed and their signatures checked by
// github.com/smallstep/pkcs7 (the maintained fork of go.mozilla.org/pkcs7).
// It checks the messageDigest attribute against the content and the
// signature over the DER of the signed attributes (or over the content when
// there are none). It leaves out what this file adds:
//
//   - exactly one signer, found in the certificates by issuer and serial;
//   - the content: detached, or attached and equal to the signing input
//     (an attached SignedData over other bytes is refused, not re-pointed);
//   - signed attributes: contentType present once with value id-data,
//     messageDigest present once, signingTime at most once — the library
//     reads only the first of each and does not check contentType;
//   - signingTime within the challenge's window (the library only checks
//     it against the certificate's validity);
//   - digest algorithm SHA-256, SHA-384 or SHA-512 (SHA-1 refused);
//   - the chain: the library's own chain check (crypto/x509.Verify) is not
//     used; the Verifier checks it, with revocation.
//
// Signers identified by subjectKeyIdentifier (CMS v3) and RSA-PSS inside
// CMS are not supported by the library and are refused; a raw PSS
// signature is accepted (see Answer.Signature).

// cmsMessage is a parsed SignedData with its single signer.
type cmsMessage struct {
	p7          *pkcs7.PKCS7
	signingTime time.Time // zero when absent
}

// parseCMS parses der and makes the structural checks that need no
// challenge: one signer, well-formed signed attributes, a digest algorithm
// we accept.
func parseCMS(der []byte) (m *cmsMessage, err error) {
	// The library is third-party code parsing hostile input; a panic in it
	// must refuse the answer, not take the server down.
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, cherr(ErrChallengeMalformed, "CMS cannot be parsed", fmt.Errorf("pkcs7 panic: %v", r))
		}
	}()
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, cherr(ErrChallengeMalformed, "CMS cannot be parsed", err)
	}
	if len(p7.Signers) != 1 {
		return nil, cherr(ErrChallengeMalformed, "CMS must have exactly one signer", nil)
	}
	si := p7.Signers[0]
	if !acceptedDigest(si.DigestAlgorithm.Algorithm) || !acceptedSignatureOID(si.DigestEncryptionAlgorithm.Algorithm) {
		return nil, cherr(ErrChallengeSignature, "CMS algorithm refused (RSA or ECDSA with SHA-256/384/512 only)", ErrWeakSignature)
	}
	m = &cmsMessage{p7: p7}
	attrs := si.AuthenticatedAttributes
	if len(attrs) == 0 {
		// No signed attributes: the signature is over the content itself
		// (RFC 5652 §5.4), as strong a binding as a raw signature.
		return m, nil
	}
	var nType, nDigest, nTime int
	for _, a := range attrs {
		switch {
		case a.Type.Equal(pkcs7.OIDAttributeContentType):
			nType++
			var ct asn1.ObjectIdentifier
			if err := unmarshalSingle(a.Value.Bytes, &ct); err != nil || !ct.Equal(pkcs7.OIDData) {
				return nil, cherr(ErrChallengeMalformed, "CMS contentType attribute is not id-data", err)
			}
		case a.Type.Equal(pkcs7.OIDAttributeMessageDigest):
			nDigest++
			var d []byte
			if err := unmarshalSingle(a.Value.Bytes, &d); err != nil {
				return nil, cherr(ErrChallengeMalformed, "CMS messageDigest attribute malformed", err)
			}
		case a.Type.Equal(pkcs7.OIDAttributeSigningTime):
			nTime++
			if err := unmarshalSingle(a.Value.Bytes, &m.signingTime); err != nil {
				return nil, cherr(ErrChallengeMalformed, "CMS signingTime attribute malformed", err)
			}
		}
	}
	// RFC 5652 §11: these attributes are single-valued and occur at most
	// once; a second one could say something the library does not read.
	if nType != 1 || nDigest != 1 || nTime > 1 {
		return nil, cherr(ErrChallengeMalformed, "CMS signed attributes: contentType and messageDigest once each, signingTime at most once", nil)
	}
	return m, nil
}

// unmarshalSingle reads the one value of an attribute's SET.
func unmarshalSingle(set []byte, out any) error {
	rest, err := asn1.Unmarshal(set, out)
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		return fmt.Errorf("attribute has more than one value")
	}
	return nil
}

func acceptedDigest(oid asn1.ObjectIdentifier) bool {
	return oid.Equal(pkcs7.OIDDigestAlgorithmSHA256) || oid.Equal(pkcs7.OIDDigestAlgorithmSHA384) ||
		oid.Equal(pkcs7.OIDDigestAlgorithmSHA512)
}

// acceptedSignatureOID lists the signature algorithm identifiers whose
// hash the library takes from the digest algorithm (checked above) or
// which name SHA-2 themselves; ecdsa-with-SHA1 and sha1WithRSAEncryption
// would make it verify SHA-1 whatever the digest algorithm says.
func acceptedSignatureOID(oid asn1.ObjectIdentifier) bool {
	for _, ok := range []asn1.ObjectIdentifier{
		pkcs7.OIDEncryptionAlgorithmRSA,
		pkcs7.OIDEncryptionAlgorithmRSASHA256, pkcs7.OIDEncryptionAlgorithmRSASHA384, pkcs7.OIDEncryptionAlgorithmRSASHA512,
		pkcs7.OIDDigestAlgorithmECDSASHA256, pkcs7.OIDDigestAlgorithmECDSASHA384, pkcs7.OIDDigestAlgorithmECDSASHA512,
		pkcs7.OIDEncryptionAlgorithmECDSAP256, pkcs7.OIDEncryptionAlgorithmECDSAP384, pkcs7.OIDEncryptionAlgorithmECDSAP521,
	} {
		if oid.Equal(ok) {
			return true
		}
	}
	return false
}

// verify checks that m signs content within [notBefore, notAfter] and
// returns the signer's certificate and the other certificates (the CMS's
// and extra) as intermediates for the Verifier.
func (m *cmsMessage) verify(content []byte, extra []*x509.Certificate, notBefore, notAfter time.Time) (signer *x509.Certificate, others []*x509.Certificate, err error) {
	defer func() {
		if r := recover(); r != nil {
			signer, others, err = nil, nil, cherr(ErrChallengeSignature, "CMS signature cannot be checked", fmt.Errorf("pkcs7 panic: %v", r))
		}
	}()
	p7 := m.p7
	if len(p7.Content) > 0 && !bytes.Equal(p7.Content, content) {
		return nil, nil, cherr(ErrChallengeSignature, "CMS content is not the challenge", nil)
	}
	if !m.signingTime.IsZero() && (m.signingTime.Before(notBefore) || m.signingTime.After(notAfter)) {
		return nil, nil, cherr(ErrChallengeSignature, "CMS signing time outside the challenge's validity", nil)
	}
	// Work on a copy: the detached content is set for the library, and
	// the answer's certificates join the embedded ones.
	cp := *p7
	cp.Content = content
	cp.Certificates = append(append([]*x509.Certificate(nil), p7.Certificates...), extra...)
	signer = cp.GetOnlySigner()
	if signer == nil {
		return nil, nil, cherr(ErrChallengeMalformed, "CMS signer's certificate not found", nil)
	}
	// A nil trust store makes the library check signatures only; the
	// chain is the Verifier's job.
	if err := cp.VerifyWithChainAtTime(nil, notBefore); err != nil {
		return nil, nil, cherr(ErrChallengeSignature, "CMS signature does not verify", err)
	}
	for _, c := range cp.Certificates {
		if !c.Equal(signer) {
			others = append(others, c)
		}
	}
	return signer, others, nil
}
