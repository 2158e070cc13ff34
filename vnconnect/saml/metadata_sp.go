package saml

import (
	"encoding/base64"
	"encoding/xml"
	"time"

	crewjam "github.com/crewjam/saml"
)

// metadataValidity is how long published SP metadata claims to be valid;
// an IdP that caches it re-reads it at least this often.
const metadataValidity = 7 * 24 * time.Hour

// Metadata returns this SP's metadata document (EntityDescriptor) for
// the IdP: ACS (HTTP-POST), SLO (Redirect and POST) when configured, and
// the signing certificate when a Key is configured. No encryption key is
// published: this SP does not accept encrypted assertions.
func (sp *ServiceProvider) Metadata() ([]byte, error) {
	validUntil := sp.now().UTC().Add(metadataValidity).Truncate(time.Second)
	wantSigned := sp.policy == SignatureAssertion || sp.policy == SignatureBoth
	authnSigned := sp.signAuthn
	d := crewjam.SPSSODescriptor{
		SSODescriptor: crewjam.SSODescriptor{
			RoleDescriptor: crewjam.RoleDescriptor{
				ProtocolSupportEnumeration: nsProtocol,
				ValidUntil:                 &validUntil,
			},
			NameIDFormats: []crewjam.NameIDFormat{crewjam.NameIDFormat(nameIDUnspecified)},
		},
		AuthnRequestsSigned:  &authnSigned,
		WantAssertionsSigned: &wantSigned,
		AssertionConsumerServices: []crewjam.IndexedEndpoint{
			{Binding: bindingPOST, Location: sp.acsURL, Index: 1},
		},
	}
	if sp.cert != nil {
		d.KeyDescriptors = []crewjam.KeyDescriptor{{
			Use: "signing",
			KeyInfo: crewjam.KeyInfo{X509Data: crewjam.X509Data{
				X509Certificates: []crewjam.X509Certificate{{Data: base64.StdEncoding.EncodeToString(sp.cert.Raw)}},
			}},
		}}
	}
	if sp.sloURL != "" {
		d.SingleLogoutServices = []crewjam.Endpoint{
			{Binding: bindingRedirect, Location: sp.sloURL},
			{Binding: bindingPOST, Location: sp.sloURL},
		}
	}
	ed := crewjam.EntityDescriptor{
		EntityID:         sp.entityID,
		ValidUntil:       validUntil,
		SPSSODescriptors: []crewjam.SPSSODescriptor{d},
	}
	b, err := xml.MarshalIndent(ed, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), b...), nil
}
