package vnconnecttest

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"

	"github.com/crewjam/saml"
)

// Paths of WSO2's SAML 2.0 endpoints. WSO2 serves AuthnRequests,
// LogoutRequests and LogoutResponses all at /samlsso.
const (
	PathSAMLSSO      = "/samlsso"
	PathSAMLMetadata = "/samlsso/metadata"
)

// EndpointSAML names /samlsso and its metadata in Faults.Slow, Fail and
// Oversized.
const EndpointSAML = "saml"

// SAMLSigning says which elements of a SAML Response the fake signs.
type SAMLSigning int

const (
	// SAMLSigningAssertion signs the Assertion only: WSO2's default.
	SAMLSigningAssertion SAMLSigning = iota
	// SAMLSigningResponse signs the Response only (it covers the assertion).
	SAMLSigningResponse
	// SAMLSigningBoth signs the Assertion and then the Response around it.
	SAMLSigningBoth
	// samlSigningNone is reachable only through the SAMLUnsigned mint option.
	samlSigningNone
)

// SAMLSP is a SAML service provider registered with the fake, as the
// operator registers one on WSO2's console. Either the fields or
// MetadataXML (the SP's metadata document) describe it; a field that is
// set wins over the metadata.
type SAMLSP struct {
	EntityID string // Issuer of its AuthnRequests; the Audience of its assertions
	ACSURL   string // the one Assertion Consumer Service (HTTP-POST binding)
	SLOURL   string // Single Logout endpoint (HTTP-Redirect binding); "" opts out of SLO

	// Certificate verifies the SP's signed AuthnRequests and
	// LogoutRequests. Without it signatures are not checked.
	Certificate *x509.Certificate
	MetadataXML []byte

	// RequireSignedRequests refuses unsigned AuthnRequests and
	// LogoutRequests (WSO2's "Enable Signature Validation"). It needs a
	// Certificate.
	RequireSignedRequests bool

	// Signing is what the fake signs in responses to this SP;
	// the zero value signs the assertion, as WSO2 does by default.
	Signing SAMLSigning
}

// resolve fills the fields from MetadataXML and checks the result.
func (sp SAMLSP) resolve() (SAMLSP, error) {
	if len(sp.MetadataXML) > 0 {
		var ed saml.EntityDescriptor
		if err := xml.Unmarshal(sp.MetadataXML, &ed); err != nil {
			return sp, fmt.Errorf("vnconnecttest: SAMLSP.MetadataXML: %w", err)
		}
		if sp.EntityID == "" {
			sp.EntityID = ed.EntityID
		}
		for _, d := range ed.SPSSODescriptors {
			for _, acs := range d.AssertionConsumerServices {
				if sp.ACSURL == "" && acs.Binding == saml.HTTPPostBinding {
					sp.ACSURL = acs.Location
				}
			}
			for _, slo := range d.SingleLogoutServices {
				if sp.SLOURL == "" && slo.Binding == saml.HTTPRedirectBinding {
					sp.SLOURL = slo.Location
				}
			}
			// A signing (or unqualified) key first; else the encryption
			// one, since SPs such as crewjam's publish their one
			// certificate only under use="encryption" unless they sign.
			for _, signingOnly := range []bool{true, false} {
				for _, kd := range d.KeyDescriptors {
					if sp.Certificate != nil || (signingOnly && kd.Use != "" && kd.Use != "signing") || len(kd.KeyInfo.X509Data.X509Certificates) == 0 {
						continue
					}
					cert, err := parseBase64Cert(kd.KeyInfo.X509Data.X509Certificates[0].Data)
					if err != nil {
						return sp, fmt.Errorf("vnconnecttest: SAMLSP.MetadataXML certificate: %w", err)
					}
					sp.Certificate = cert
				}
			}
		}
		sp.MetadataXML = nil // parsed once; not kept
	}
	switch {
	case sp.EntityID == "":
		return sp, errors.New("vnconnecttest: SAMLSP.EntityID is empty")
	case sp.ACSURL == "":
		return sp, errors.New("vnconnecttest: SAMLSP.ACSURL is empty (and the metadata names no HTTP-POST ACS)")
	case sp.RequireSignedRequests && sp.Certificate == nil:
		return sp, errors.New("vnconnecttest: SAMLSP.RequireSignedRequests needs a Certificate")
	}
	return sp, nil
}

func parseBase64Cert(s string) (*x509.Certificate, error) {
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// RegisterSAMLServiceProvider adds or replaces a SAML service provider. It
// panics if the registration is incomplete (no entity ID or ACS URL) or
// its metadata does not parse.
func (s *Server) RegisterSAMLServiceProvider(sp SAMLSP) {
	sp, err := sp.resolve()
	if err != nil {
		panic(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samlSPs[sp.EntityID] = sp
}

func (s *Server) lookupSAMLSP(entityID string) (SAMLSP, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sp, ok := s.samlSPs[entityID]
	return sp, ok
}

// SAMLEntityID is the fake's SAML issuer: the URL of /samlsso, the Issuer
// of every Response, Assertion and logout message it sends.
func (s *Server) SAMLEntityID() string { return s.base + PathSAMLSSO }

// SAMLSSOURL is where AuthnRequests and logout messages go (both bindings).
func (s *Server) SAMLSSOURL() string { return s.base + PathSAMLSSO }

// SAMLMetadataURL is the URL of the IdP metadata document.
func (s *Server) SAMLMetadataURL() string { return s.base + PathSAMLMetadata }
