package vnconnect

import "strings"

// Endpoint holds the URLs of one Vnconnect (WSO2 Identity Server) deployment.
// Issuer is the exact "iss" value its ID tokens carry; WSO2 uses the token
// endpoint URL for it, not the host name.
type Endpoint struct {
	Issuer           string
	AuthURL          string
	TokenURL         string
	UserInfoURL      string
	JWKSURL          string
	RevocationURL    string
	IntrospectionURL string
	EndSessionURL    string
}

// WSO2 Identity Server default paths, which Vnconnect keeps.
const (
	pathAuthorize     = "/oauth2/authorize"
	pathToken         = "/oauth2/token"
	pathUserInfo      = "/oauth2/userinfo"
	pathJWKS          = "/oauth2/jwks"
	pathRevoke        = "/oauth2/revoke"
	pathIntrospect    = "/oauth2/introspect"
	pathEndSession    = "/oidc/logout"
	pathDiscoveryWSO2 = "/oauth2/token/.well-known/openid-configuration"
)

// Hosts of the two public Vnconnect deployments.
const (
	ProductionBaseURL = "https://xacthuc.dichvucong.gov.vn"
	StagingBaseURL    = "https://testxacthuc.dichvucong.gov.vn"
)

var (
	// Production is the live Vnconnect of the National Public Service Portal.
	Production = EndpointFor(ProductionBaseURL)
	// Staging is the test deployment relying parties integrate against first.
	Staging = EndpointFor(StagingBaseURL)
)

// EndpointFor returns the endpoints of a WSO2-shaped deployment at baseURL
// (scheme and host, optionally a path prefix; a trailing slash is ignored).
// It does no I/O and no validation: NewClient checks the URLs.
func EndpointFor(baseURL string) Endpoint {
	b := strings.TrimRight(baseURL, "/")
	return Endpoint{
		Issuer:           b + pathToken,
		AuthURL:          b + pathAuthorize,
		TokenURL:         b + pathToken,
		UserInfoURL:      b + pathUserInfo,
		JWKSURL:          b + pathJWKS,
		RevocationURL:    b + pathRevoke,
		IntrospectionURL: b + pathIntrospect,
		EndSessionURL:    b + pathEndSession,
	}
}

// check validates every non-empty URL with the transport rule; Issuer is an
// identifier compared byte for byte, but it is a URL on WSO2 and must obey the
// same rule so that a typo such as http:// is caught at start-up.
func (e Endpoint) check(insecure bool) error {
	for _, f := range []struct{ name, url string }{
		{"issuer", e.Issuer},
		{"authorization endpoint", e.AuthURL},
		{"token endpoint", e.TokenURL},
		{"userinfo endpoint", e.UserInfoURL},
		{"JWKS endpoint", e.JWKSURL},
		{"revocation endpoint", e.RevocationURL},
		{"introspection endpoint", e.IntrospectionURL},
		{"end-session endpoint", e.EndSessionURL},
	} {
		if f.url == "" {
			continue
		}
		if _, err := checkEndpointURL(f.name, f.url, insecure); err != nil {
			return err
		}
	}
	return nil
}
