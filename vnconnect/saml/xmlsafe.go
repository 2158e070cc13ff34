package saml

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
	xrv "github.com/mattermost/xml-roundtrip-validator"
)

// The checks in this file run on raw bytes before any XML parser sees
// them, so the parser is never asked to handle hostile constructs.

// decodeBase64 decodes a SAMLResponse/SAMLRequest value, refusing it when
// the result would exceed limit. Line breaks (which some IdPs insert every
// 76 characters) are tolerated; other junk is not.
func decodeBase64(s string, limit int) ([]byte, error) {
	if s == "" {
		return nil, errf(ErrMalformed, "empty message")
	}
	if base64.StdEncoding.DecodedLen(len(s)) > limit+limit/8+16 {
		return nil, errf(ErrTooLarge, "encoded message over %d bytes", limit)
	}
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r", "", "\n", "").Replace(s)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errf(ErrMalformed, "message is not base64")
	}
	if len(b) > limit {
		return nil, errf(ErrTooLarge, "decoded message over %d bytes", limit)
	}
	return b, nil
}

// inflate undoes the Redirect binding's DEFLATE with a hard cap: a few
// kilobytes of query string can inflate to gigabytes (a deflate bomb), so
// reading stops one byte past limit.
func inflate(b []byte, limit int) ([]byte, error) {
	r := flate.NewReader(bytes.NewReader(b))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if len(out) > limit {
		return nil, errf(ErrTooLarge, "inflated message over %d bytes", limit)
	}
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, errf(ErrMalformed, "message is not DEFLATE data")
	}
	if err != nil {
		return nil, errf(ErrMalformed, "truncated DEFLATE data")
	}
	return out, nil
}

// checkRawXML refuses what a SAML message never needs and XML attacks
// rely on. Because '<' cannot occur unescaped in text or attribute values
// of a well-formed document, every "<!" is markup: a DOCTYPE (entity
// expansion, external entities), a comment (the NameID comment-injection
// trick, where "admin<!---->.evil" is read as "admin" by one parser and
// "admin.evil" by another) or a CDATA section. All three are refused
// outright, as is every processing instruction other than a leading UTF-8
// XML declaration. A malformed document that merely looks like it
// contains "<!" is refused too, which is the safe direction.
func checkRawXML(b []byte) error {
	if !utf8.Valid(b) {
		return errf(ErrMalformed, "not UTF-8")
	}
	if bytes.Contains(b, []byte("<!")) {
		if bytes.Contains(b, []byte("<!DOCTYPE")) || bytes.Contains(b, []byte("<!ENTITY")) {
			return ErrForbiddenXML
		}
		return errf(ErrMalformed, "comment, CDATA or declaration refused")
	}
	body := bytes.TrimLeft(b, " \t\r\n")
	if bytes.HasPrefix(body, []byte("<?")) {
		end := bytes.Index(body, []byte("?>"))
		if end < 0 || !bytes.HasPrefix(body, []byte("<?xml")) || !okXMLDecl(body[:end]) {
			return errf(ErrMalformed, "processing instruction refused")
		}
		body = body[end+2:]
	}
	if bytes.Contains(body, []byte("<?")) {
		return errf(ErrMalformed, "processing instruction refused")
	}
	return nil
}

// okXMLDecl accepts an XML declaration whose encoding, if any, is UTF-8:
// a document that claims another encoding would be read differently by
// the byte scan above and by a parser that honours the claim.
func okXMLDecl(decl []byte) bool {
	d := strings.ToLower(string(decl))
	i := strings.Index(d, "encoding")
	if i < 0 {
		return true
	}
	v := strings.TrimLeft(d[i+len("encoding"):], " \t\r\n=")
	v = strings.Trim(v, " \t\r\n")
	return strings.HasPrefix(v, `"utf-8"`) || strings.HasPrefix(v, `'utf-8'`)
}

// parseXML runs the raw checks, the round-trip validator crewjam also
// uses (it catches documents that encoding/xml would read differently
// after re-serialisation, the class of bug behind several SAML bypasses),
// and builds the tree.
func parseXML(b []byte) (*etree.Element, error) {
	if err := checkRawXML(b); err != nil {
		return nil, err
	}
	if err := xrv.Validate(bytes.NewReader(b)); err != nil {
		return nil, errf(ErrMalformed, "XML does not round-trip")
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(b); err != nil {
		return nil, errf(ErrMalformed, "XML not well-formed")
	}
	root := doc.Root()
	if root == nil {
		return nil, errf(ErrMalformed, "no root element")
	}
	return root, nil
}
