package pki

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
)

// Bounds on an answer. They are far above what a real answer needs (a CMS
// with a three-certificate VGCA chain is about 5 KiB) and low enough that
// parsing a hostile answer stays cheap.
const (
	// MaxAnswerBytes bounds CMS + Signature + all certificates of an Answer
	// (as given: base64 text counts as text).
	MaxAnswerBytes = 64 << 10
	// MaxAnswerCertificates bounds the certificates of an answer, those in
	// the CMS and those beside it together.
	MaxAnswerCertificates = 10
	// maxAnswerJSON bounds ParseAnswer's input: base64 inflates by 4/3,
	// JSON adds a little.
	maxAnswerJSON = 2 * MaxAnswerBytes
)

// Answer is a client's answer to a challenge: either CMS, or Signature with
// Certificates. Build one directly or with ParseAnswer.
type Answer struct {
	// ChallengeID is Challenge.ID.
	ChallengeID string

	// CMS is a CMS/PKCS#7 SignedData with one signer over the signing
	// input: DER, PEM ("PKCS7" or "CMS") or base64 text (standard or URL
	// alphabet, padding and line breaks optional). Detached, or attached
	// with content equal to the signing input.
	CMS []byte

	// Signature is a raw signature over the signing input; Algorithm says
	// which (zero: SHA256WithRSA for an RSA key, ECDSAWithSHA256 for an EC
	// key). ECDSA signatures may be ASN.1 DER or r‖s (PKCS#11's form).
	Signature []byte
	Algorithm x509.SignatureAlgorithm

	// Certificates and CertificatesDER (both may be used; parsed ones
	// first) are the signer's certificate first, then intermediates. With
	// CMS they are optional, added to those the CMS carries.
	Certificates    []*x509.Certificate
	CertificatesDER [][]byte
}

// answerJSON is the wire form read by ParseAnswer.
type answerJSON struct {
	ChallengeID  string   `json:"challenge_id"`
	CMS          string   `json:"cms"`
	Signature    string   `json:"signature"`
	Algorithm    string   `json:"algorithm"`
	Certificates []string `json:"certificates"`
}

// ParseAnswer reads an answer posted as JSON:
//
//	{"challenge_id": "…",
//	 "cms": "<base64 or PEM SignedData>"}
//
// or
//
//	{"challenge_id": "…",
//	 "signature": "<base64>", "algorithm": "PS256",
//	 "certificates": ["<base64 DER, signer first>", "…"]}
//
// algorithm is a JOSE name (RS256/384/512, PS256/384/512, ES256/384/512)
// or crypto/x509's (SHA256-RSA, SHA256-RSAPSS, ECDSA-SHA256, …); empty
// selects the default of Answer.Algorithm. Unknown fields are ignored.
// Errors wrap ErrChallengeMalformed.
func ParseAnswer(data []byte) (*Answer, error) {
	if len(data) > maxAnswerJSON {
		return nil, cherr(ErrChallengeMalformed, "answer too large", nil)
	}
	var w answerJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, cherr(ErrChallengeMalformed, "answer is not the expected JSON", err)
	}
	if len(w.Certificates) > MaxAnswerCertificates {
		return nil, cherr(ErrChallengeMalformed, "too many certificates", nil)
	}
	a := &Answer{ChallengeID: w.ChallengeID, CMS: []byte(w.CMS)}
	if w.Signature != "" {
		sig, err := decodeBase64(w.Signature)
		if err != nil {
			return nil, cherr(ErrChallengeMalformed, "signature is not base64", err)
		}
		a.Signature = sig
	}
	if w.Algorithm != "" {
		alg, ok := signatureAlgorithmNames[strings.ToUpper(w.Algorithm)]
		if !ok {
			return nil, cherr(ErrChallengeMalformed, "unsupported signature algorithm name", nil)
		}
		a.Algorithm = alg
	}
	for _, c := range w.Certificates {
		der, err := decodeBase64(c)
		if err != nil {
			return nil, cherr(ErrChallengeMalformed, "certificate is not base64", err)
		}
		a.CertificatesDER = append(a.CertificatesDER, der)
	}
	return a, nil
}

// signatureAlgorithmNames maps the names ParseAnswer accepts.
var signatureAlgorithmNames = map[string]x509.SignatureAlgorithm{
	"RS256": x509.SHA256WithRSA, "RS384": x509.SHA384WithRSA, "RS512": x509.SHA512WithRSA,
	"PS256": x509.SHA256WithRSAPSS, "PS384": x509.SHA384WithRSAPSS, "PS512": x509.SHA512WithRSAPSS,
	"ES256": x509.ECDSAWithSHA256, "ES384": x509.ECDSAWithSHA384, "ES512": x509.ECDSAWithSHA512,
	"SHA256-RSA": x509.SHA256WithRSA, "SHA384-RSA": x509.SHA384WithRSA, "SHA512-RSA": x509.SHA512WithRSA,
	"SHA256-RSAPSS": x509.SHA256WithRSAPSS, "SHA384-RSAPSS": x509.SHA384WithRSAPSS, "SHA512-RSAPSS": x509.SHA512WithRSAPSS,
	"ECDSA-SHA256": x509.ECDSAWithSHA256, "ECDSA-SHA384": x509.ECDSAWithSHA384, "ECDSA-SHA512": x509.ECDSAWithSHA512,
}

// decodedAnswer is an Answer after decoding and the structural checks.
type decodedAnswer struct {
	certs []*x509.Certificate // from the answer; for a raw signature [0] is the signer
	cms   *cmsMessage         // nil for a raw signature
	sig   []byte
	alg   x509.SignatureAlgorithm
}

// decode checks the answer's limits and shape and parses what it carries.
// It verifies nothing: that needs the challenge.
func (a *Answer) decode() (*decodedAnswer, error) {
	size := len(a.CMS) + len(a.Signature)
	for _, d := range a.CertificatesDER {
		size += len(d)
	}
	for _, c := range a.Certificates {
		if c == nil {
			return nil, cherr(ErrChallengeMalformed, "nil certificate", nil)
		}
		size += len(c.Raw)
	}
	if size > MaxAnswerBytes {
		return nil, cherr(ErrChallengeMalformed, "answer too large", nil)
	}
	if n := len(a.Certificates) + len(a.CertificatesDER); n > MaxAnswerCertificates {
		return nil, cherr(ErrChallengeMalformed, "too many certificates", nil)
	}
	d := &decodedAnswer{sig: a.Signature, alg: a.Algorithm}
	d.certs = append(d.certs, a.Certificates...)
	for _, der := range a.CertificatesDER {
		c, err := parseCertificate(der)
		if err != nil {
			return nil, cherr(ErrChallengeMalformed, "cannot parse a certificate", err)
		}
		d.certs = append(d.certs, c)
	}
	switch {
	case len(a.CMS) > 0 && len(a.Signature) > 0:
		return nil, cherr(ErrChallengeMalformed, "both a CMS and a raw signature", nil)
	case len(a.CMS) > 0:
		der, err := decodeCMSBytes(a.CMS)
		if err != nil {
			return nil, cherr(ErrChallengeMalformed, "CMS is not DER, PEM or base64", err)
		}
		m, err := parseCMS(der)
		if err != nil {
			return nil, err
		}
		if len(m.p7.Certificates)+len(d.certs) > MaxAnswerCertificates {
			return nil, cherr(ErrChallengeMalformed, "too many certificates", nil)
		}
		d.cms = m
	case len(a.Signature) > 0:
		if len(d.certs) == 0 {
			return nil, cherr(ErrChallengeMalformed, "raw signature without the signer's certificate", nil)
		}
	default:
		return nil, cherr(ErrChallengeMalformed, "neither a CMS nor a signature", nil)
	}
	return d, nil
}

// decodeCMSBytes turns DER, PEM or base64 into DER.
func decodeCMSBytes(b []byte) ([]byte, error) {
	// DER of any real SignedData starts with SEQUENCE and a long-form
	// length; base64 text may start with '0' (0x30) but never with a byte
	// ≥ 0x80 after it.
	if len(b) > 1 && b[0] == 0x30 && b[1] >= 0x80 {
		return b, nil
	}
	t := bytes.TrimSpace(b)
	if bytes.HasPrefix(t, []byte("-----BEGIN ")) {
		blk, _ := pem.Decode(t)
		if blk == nil || (blk.Type != "PKCS7" && blk.Type != "CMS") {
			return nil, errors.New("not a PKCS7 or CMS PEM block")
		}
		return blk.Bytes, nil
	}
	return decodeBase64(string(t))
}

// decodeBase64 accepts the standard and URL alphabets, with or without
// padding, with white space (plugins wrap lines) anywhere.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.Strict().DecodeString(s)
	}
	return base64.RawStdEncoding.Strict().DecodeString(s)
}
