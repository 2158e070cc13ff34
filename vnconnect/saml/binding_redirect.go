package saml

import (
	"bytes"
	"compress/flate"
	"crypto/x509"
	"encoding/base64"
	"net/url"
	"strings"

	dsig "github.com/russellhaering/goxmldsig"
)

// HTTP-Redirect binding (SAML bindings §3.4): the message is DEFLATEd,
// base64-encoded and put in the query string; its signature, if any, is
// not in the XML but in SigAlg/Signature parameters and covers the query
// string octets exactly as sent.

// deflateBase64 encodes msg for the Redirect binding.
func deflateBase64(msg []byte) (string, error) {
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := fw.Write(msg); err != nil {
		return "", err
	}
	if err := fw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// redirectURL builds dest?param=…[&RelayState=…][&SigAlg=…&Signature=…].
// The string signed is built from the escaped values in that fixed order,
// which is what the receiver reconstructs (bindings §3.4.4.1).
func (sp *ServiceProvider) redirectURL(dest, param string, msg []byte, relay string, sign bool) (string, error) {
	u, err := url.Parse(dest)
	if err != nil {
		return "", errf(ErrMetadata, "bad IdP endpoint")
	}
	enc, err := deflateBase64(msg)
	if err != nil {
		return "", err
	}
	q := param + "=" + url.QueryEscape(enc)
	if relay != "" {
		q += "&RelayState=" + url.QueryEscape(relay)
	}
	if sign {
		q += "&SigAlg=" + url.QueryEscape(sp.sigMethod)
		sig, err := sp.signer.SignString(q)
		if err != nil {
			return "", errf(ErrConfig, "signing failed")
		}
		q += "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	}
	if u.RawQuery != "" {
		q = u.RawQuery + "&" + q
	}
	u.RawQuery = q
	return u.String(), nil
}

// redirectMessage is an incoming Redirect-binding message.
type redirectMessage struct {
	xml       []byte
	relay     string
	sigAlg    string
	signature []byte
	signed    string // the octets the signature covers
}

// parseRedirect reads param (SAMLRequest or SAMLResponse) from the raw
// query. It works on the raw query rather than url.Values because the
// signature covers the original encoding, and it refuses repeated
// parameters, which url.Values would silently reduce to the first.
func parseRedirect(rawQuery, param string, maxMsg int) (*redirectMessage, error) {
	if len(rawQuery) > 2*maxMsg {
		return nil, errf(ErrTooLarge, "query string over %d bytes", 2*maxMsg)
	}
	raw := map[string]string{}
	for _, kv := range strings.Split(rawQuery, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, errf(ErrMalformed, "bad query string")
		}
		switch key {
		case param, "RelayState", "SigAlg", "Signature":
			if _, dup := raw[key]; dup {
				return nil, errf(ErrMalformed, "repeated query parameter")
			}
			raw[key] = v
		}
	}
	enc, ok := raw[param]
	if !ok {
		return nil, errf(ErrMalformed, "missing %s", param)
	}
	m := &redirectMessage{}
	val := func(k string) (string, error) {
		s, err := url.QueryUnescape(raw[k])
		if err != nil {
			return "", errf(ErrMalformed, "bad query string")
		}
		return s, nil
	}
	b64, err := val(param)
	if err != nil {
		return nil, err
	}
	compressed, err := decodeBase64(b64, maxMsg)
	if err != nil {
		return nil, err
	}
	if m.xml, err = inflate(compressed, maxMsg); err != nil {
		return nil, err
	}
	if m.relay, err = val("RelayState"); err != nil {
		return nil, err
	}
	if _, has := raw["Signature"]; has {
		if m.sigAlg, err = val("SigAlg"); err != nil {
			return nil, err
		}
		sig, err := val("Signature")
		if err != nil {
			return nil, err
		}
		if m.signature, err = base64.StdEncoding.DecodeString(sig); err != nil {
			return nil, errf(ErrSignature, "Signature is not base64")
		}
		if _, ok := raw["SigAlg"]; !ok {
			return nil, errf(ErrSignature, "Signature without SigAlg")
		}
		m.signed = param + "=" + enc
		if r, ok := raw["RelayState"]; ok {
			m.signed += "&RelayState=" + r
		}
		m.signed += "&SigAlg=" + raw["SigAlg"]
	}
	return m, nil
}

// redirectAlgorithms maps SigAlg URIs to crypto/x509's algorithms. Only
// RSA: for ECDSA the Redirect binding does not pin the signature encoding.
var redirectAlgorithms = map[string]x509.SignatureAlgorithm{
	dsig.RSASHA256SignatureMethod: x509.SHA256WithRSA,
	dsig.RSASHA384SignatureMethod: x509.SHA384WithRSA,
	dsig.RSASHA512SignatureMethod: x509.SHA512WithRSA,
}

// verifyRedirect checks the query-string signature with the IdP metadata
// certificates' public keys (crypto/x509 does the mathematics).
func verifyRedirect(d *idp, m *redirectMessage) error {
	if m.signature == nil {
		return errf(ErrSignature, "message is not signed")
	}
	alg, ok := redirectAlgorithms[m.sigAlg]
	if !ok && d.verifier.allowSHA1 && m.sigAlg == dsig.RSASHA1SignatureMethod {
		alg, ok = x509.SHA1WithRSA, true
	}
	if !ok {
		return errf(ErrSignature, "SigAlg not allowed")
	}
	for _, c := range d.certs {
		if c.CheckSignature(alg, []byte(m.signed), m.signature) == nil {
			return nil
		}
	}
	return errf(ErrSignature, "query signature does not verify with the IdP certificate")
}
