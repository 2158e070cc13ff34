package vnconnecttest

import (
	"bytes"
	"compress/flate"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// Limits on inbound SAML messages. A real AuthnRequest or LogoutRequest is
// a few kilobytes; the inflate limit stops a deflate bomb on the Redirect
// binding.
const (
	samlMaxEncoded  = 64 << 10
	samlMaxInflated = 256 << 10
)

var errSAMLMessage = errors.New("vnconnecttest: malformed SAML message")

// samlInbound is a protocol message received by either binding, parsed
// but not yet trusted.
type samlInbound struct {
	param      string // "SAMLRequest" or "SAMLResponse"
	redirect   bool
	rawQuery   string // Redirect binding: the query as sent, for its signature
	relayState string
	root       *etree.Element
}

// decodeSAMLRedirect reads a Redirect-binding query: base64 of raw
// DEFLATE.
func decodeSAMLRedirect(rawQuery string) (*samlInbound, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, fmt.Errorf("%w: query: %v", errSAMLMessage, err)
	}
	in := &samlInbound{redirect: true, rawQuery: rawQuery, relayState: q.Get("RelayState")}
	data, err := in.pick(q)
	if err != nil {
		return nil, err
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, fmt.Errorf("%w: base64: %v", errSAMLMessage, err)
	}
	xmlBytes, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), samlMaxInflated+1))
	if err != nil {
		return nil, fmt.Errorf("%w: inflate: %v", errSAMLMessage, err)
	}
	if len(xmlBytes) > samlMaxInflated {
		return nil, fmt.Errorf("%w: inflates past %d bytes", errSAMLMessage, samlMaxInflated)
	}
	return in, in.parse(xmlBytes)
}

// decodeSAMLPost reads a POST-binding form: plain base64 of the XML.
func decodeSAMLPost(form url.Values) (*samlInbound, error) {
	in := &samlInbound{relayState: form.Get("RelayState")}
	data, err := in.pick(form)
	if err != nil {
		return nil, err
	}
	xmlBytes, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(data), ""))
	if err != nil {
		return nil, fmt.Errorf("%w: base64: %v", errSAMLMessage, err)
	}
	return in, in.parse(xmlBytes)
}

// pick finds exactly one of SAMLRequest and SAMLResponse.
func (in *samlInbound) pick(v url.Values) (string, error) {
	req, resp := v["SAMLRequest"], v["SAMLResponse"]
	switch {
	case len(req) == 1 && len(resp) == 0:
		in.param = "SAMLRequest"
	case len(resp) == 1 && len(req) == 0:
		in.param = "SAMLResponse"
	default:
		return "", fmt.Errorf("%w: want exactly one SAMLRequest or SAMLResponse", errSAMLMessage)
	}
	if len(v["RelayState"]) > 1 || len(v[in.param][0]) > samlMaxEncoded {
		return "", fmt.Errorf("%w: oversized or repeated parameters", errSAMLMessage)
	}
	return v[in.param][0], nil
}

// parse reads the XML, refusing DTDs (entity expansion, external
// entities): no SAML message needs one.
func (in *samlInbound) parse(b []byte) error {
	if len(b) > samlMaxInflated {
		return fmt.Errorf("%w: too large", errSAMLMessage)
	}
	if bytes.Contains(b, []byte("<!DOCTYPE")) || bytes.Contains(b, []byte("<!ENTITY")) {
		return fmt.Errorf("%w: DTDs are not allowed", errSAMLMessage)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(b); err != nil {
		return fmt.Errorf("%w: %v", errSAMLMessage, err)
	}
	for _, t := range doc.Child {
		if _, ok := t.(*etree.Directive); ok {
			return fmt.Errorf("%w: DTDs are not allowed", errSAMLMessage)
		}
	}
	if doc.Root() == nil || doc.Root().NamespaceURI() != samlProtocolNS {
		return fmt.Errorf("%w: not a SAML protocol message", errSAMLMessage)
	}
	in.root = doc.Root()
	return nil
}

// kind is the message's element name: AuthnRequest, LogoutRequest…
func (in *samlInbound) kind() string { return in.root.Tag }

// issuer is the unverified Issuer, to choose whose key verifies it.
func (in *samlInbound) issuer() string {
	if el := firstChild(in.root, "Issuer"); el != nil {
		return strings.TrimSpace(el.Text())
	}
	return ""
}

// verified checks the message's signature against the SP's certificate
// and returns the element to read from: for the POST binding the element
// goxmldsig validated, never the original, so content wrapped around or
// beside a signed element is never read. Without a certificate nothing is
// checked; unsigned messages pass unless the SP requires signatures.
func (s *Server) verified(in *samlInbound, sp SAMLSP) (*etree.Element, error) {
	if sp.Certificate == nil {
		return in.root, nil
	}
	if in.redirect {
		signed, err := verifyRedirectSignature(in.rawQuery, in.param, sp.Certificate)
		switch {
		case err != nil:
			return nil, err
		case !signed && sp.RequireSignedRequests:
			return nil, errors.New("vnconnecttest: the SP must sign its messages")
		}
		return in.root, nil
	}
	if firstChild(in.root, "Signature") == nil {
		if sp.RequireSignedRequests {
			return nil, errors.New("vnconnecttest: the SP must sign its messages")
		}
		return in.root, nil
	}
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{sp.Certificate}})
	// The server's own clock for certificate validity; goxmldsig would
	// otherwise read the wall clock.
	vc.Clock = dsig.NewFakeClockAt(s.now())
	el, err := vc.Validate(in.root)
	if err != nil {
		return nil, fmt.Errorf("vnconnecttest: SP signature: %w", err)
	}
	return el, nil
}

// verifyRedirectSignature checks the query signature of the Redirect
// binding (SAML Bindings §3.4.4.1): the signed octets are the parameters
// exactly as they were URL-encoded on the wire, in the fixed order
// message, RelayState, SigAlg. It reports whether there was a signature.
func verifyRedirectSignature(rawQuery, param string, cert *x509.Certificate) (bool, error) {
	raw := map[string]string{}
	for _, part := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		if _, dup := raw[k]; dup && (k == param || k == "RelayState" || k == "SigAlg" || k == "Signature") {
			return false, errors.New("vnconnecttest: repeated signature parameters")
		}
		raw[k] = v
	}
	sigB64, hasSig := raw["Signature"]
	if !hasSig {
		return false, nil
	}
	alg, err := url.QueryUnescape(raw["SigAlg"])
	if err != nil {
		return true, err
	}
	var algo x509.SignatureAlgorithm
	switch alg {
	case dsig.RSASHA256SignatureMethod:
		algo = x509.SHA256WithRSA
	case dsig.RSASHA512SignatureMethod:
		algo = x509.SHA512WithRSA
	case dsig.RSASHA1SignatureMethod:
		algo = x509.SHA1WithRSA
	default:
		return true, fmt.Errorf("vnconnecttest: unsupported SigAlg %q", alg)
	}
	signed := param + "=" + raw[param]
	if rs, ok := raw["RelayState"]; ok {
		signed += "&RelayState=" + rs
	}
	signed += "&SigAlg=" + raw["SigAlg"]
	sigText, err := url.QueryUnescape(sigB64)
	if err != nil {
		return true, err
	}
	sig, err := base64.StdEncoding.DecodeString(sigText)
	if err != nil {
		return true, fmt.Errorf("vnconnecttest: Signature: %w", err)
	}
	if err := cert.CheckSignature(algo, []byte(signed), sig); err != nil {
		return true, fmt.Errorf("vnconnecttest: Redirect-binding signature: %w", err)
	}
	return true, nil
}

// redirectURL encodes a message for the Redirect binding to dest and, if
// key is set, signs the query (RSA-SHA256).
func redirectURL(dest, param string, xmlBytes []byte, relayState string, key *samlKey) string {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	_, _ = fw.Write(xmlBytes)
	_ = fw.Close()
	q := param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(buf.Bytes()))
	if relayState != "" {
		q += "&RelayState=" + url.QueryEscape(relayState)
	}
	if key != nil {
		q += "&SigAlg=" + url.QueryEscape(dsig.RSASHA256SignatureMethod)
		sig, err := key.signingContext().SignString(q)
		if err != nil {
			panic(fmt.Sprintf("vnconnecttest: sign redirect: %v", err))
		}
		q += "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
	}
	sep := "?"
	if strings.Contains(dest, "?") {
		sep = "&"
	}
	return dest + sep + q
}
