package saml

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"net/url"
	"strings"
	"time"

	crewjam "github.com/crewjam/saml"
)

// idp is what this SP uses from the IdP metadata. It is immutable once
// built; a refresh builds a new one and swaps the pointer.
type idp struct {
	entityID    string
	certs       []*x509.Certificate
	ssoRedirect string
	ssoPOST     string
	sloRedirect string
	sloPOST     string
	verifier    *verifier
	fetched     time.Time
}

// parseIdPMetadata reads an EntityDescriptor (or an EntitiesDescriptor
// holding exactly one IdP) with crewjam's metadata types.
func parseIdPMetadata(b []byte, now func() time.Time, allowSHA1 bool) (*idp, error) {
	// Metadata comes from configuration or over TLS, so comments are
	// tolerated here, but a DOCTYPE never is.
	if bytes.Contains(b, []byte("<!DOCTYPE")) || bytes.Contains(b, []byte("<!ENTITY")) {
		return nil, errf(ErrMetadata, "DOCTYPE refused")
	}
	ed, err := pickIdPEntity(b)
	if err != nil {
		return nil, err
	}
	if ed.EntityID == "" {
		return nil, errf(ErrMetadata, "no entityID")
	}
	if len(ed.IDPSSODescriptors) != 1 {
		return nil, errf(ErrMetadata, "want exactly one IDPSSODescriptor")
	}
	d := ed.IDPSSODescriptors[0]
	out := &idp{entityID: ed.EntityID, fetched: now()}
	for _, kd := range d.KeyDescriptors {
		if kd.Use != "" && kd.Use != "signing" {
			continue
		}
		for _, xc := range kd.KeyInfo.X509Data.X509Certificates {
			raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(xc.Data), ""))
			if err != nil {
				return nil, errf(ErrMetadata, "signing certificate is not base64")
			}
			c, err := x509.ParseCertificate(raw)
			if err != nil {
				return nil, errf(ErrMetadata, "signing certificate does not parse")
			}
			out.certs = append(out.certs, c)
		}
	}
	if len(out.certs) == 0 {
		return nil, errf(ErrMetadata, "no signing certificate")
	}
	for _, e := range d.SingleSignOnServices {
		setEndpoint(e, &out.ssoRedirect, &out.ssoPOST)
	}
	for _, e := range d.SingleLogoutServices {
		setEndpoint(e, &out.sloRedirect, &out.sloPOST)
	}
	if out.ssoRedirect == "" && out.ssoPOST == "" {
		return nil, errf(ErrMetadata, "no SingleSignOnService with a Redirect or POST binding")
	}
	out.verifier = newVerifier(out.certs, now, allowSHA1)
	return out, nil
}

// setEndpoint keeps the first absolute http(s) location per binding.
func setEndpoint(e crewjam.Endpoint, redirect, post *string) {
	u, err := url.Parse(e.Location)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return
	}
	switch e.Binding {
	case bindingRedirect:
		if *redirect == "" {
			*redirect = e.Location
		}
	case bindingPOST:
		if *post == "" {
			*post = e.Location
		}
	}
}

func pickIdPEntity(b []byte) (*crewjam.EntityDescriptor, error) {
	var ed crewjam.EntityDescriptor
	if err := xml.Unmarshal(b, &ed); err == nil {
		return &ed, nil
	}
	var eds crewjam.EntitiesDescriptor
	if err := xml.Unmarshal(b, &eds); err != nil {
		return nil, errf(ErrMetadata, "not an EntityDescriptor")
	}
	var found *crewjam.EntityDescriptor
	for i := range eds.EntityDescriptors {
		if len(eds.EntityDescriptors[i].IDPSSODescriptors) > 0 {
			if found != nil {
				return nil, errf(ErrMetadata, "several IdPs in EntitiesDescriptor")
			}
			found = &eds.EntityDescriptors[i]
		}
	}
	if found == nil {
		return nil, errf(ErrMetadata, "no IdP in EntitiesDescriptor")
	}
	return found, nil
}
