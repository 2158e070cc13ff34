package vnconnecttest

import (
	"encoding/xml"
	"net/http"
	"time"

	"github.com/crewjam/saml"
)

// samlMetadataValidity is how long a fetched metadata document says it is
// good for; SPs refetch within CacheDuration.
const (
	samlMetadataValidity = 48 * time.Hour
	samlMetadataCache    = time.Hour
)

// SAMLMetadata is the IdP metadata document /samlsso/metadata serves: the
// entity ID, the signing certificate, SSO and SLO at /samlsso by
// HTTP-Redirect and HTTP-POST, persistent NameIDs.
func (s *Server) SAMLMetadata() []byte {
	no := false
	endpoints := []saml.Endpoint{
		{Binding: saml.HTTPRedirectBinding, Location: s.SAMLSSOURL()},
		{Binding: saml.HTTPPostBinding, Location: s.SAMLSSOURL()},
	}
	ed := saml.EntityDescriptor{
		EntityID:      s.SAMLEntityID(),
		ValidUntil:    samlTime(s.now().Add(samlMetadataValidity)),
		CacheDuration: samlMetadataCache,
		IDPSSODescriptors: []saml.IDPSSODescriptor{{
			SSODescriptor: saml.SSODescriptor{
				RoleDescriptor: saml.RoleDescriptor{
					ProtocolSupportEnumeration: samlProtocolNS,
					KeyDescriptors: []saml.KeyDescriptor{{
						Use: "signing",
						KeyInfo: saml.KeyInfo{X509Data: saml.X509Data{
							X509Certificates: []saml.X509Certificate{{Data: b64std(s.saml.idp.cert.Raw)}},
						}},
					}},
				},
				SingleLogoutServices: endpoints,
				NameIDFormats:        []saml.NameIDFormat{nameIDPersistent},
			},
			WantAuthnRequestsSigned: &no,
			SingleSignOnServices:    endpoints,
		}},
	}
	b, err := xml.MarshalIndent(ed, "", "  ")
	if err != nil {
		panic(err)
	}
	return append([]byte(xml.Header), b...)
}

func (s *Server) handleSAMLMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w, "GET, HEAD")
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.SAMLMetadata())
}
