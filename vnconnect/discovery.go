package vnconnect

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// discoveryDocument is the part of an OpenID Provider Metadata document
// (OpenID Connect Discovery 1.0 §3) this package uses.
type discoveryDocument struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	UserInfoEndpoint      string `json:"userinfo_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
	RevocationEndpoint    string `json:"revocation_endpoint"`
	IntrospectionEndpoint string `json:"introspection_endpoint"`
	EndSessionEndpoint    string `json:"end_session_endpoint"`
}

// Discover fetches the provider metadata of the WSO2 deployment at baseURL
// from WSO2's discovery path, baseURL + "/oauth2/token/.well-known/openid-configuration"
// (WSO2 hangs it under its issuer, the token endpoint, not under the host).
//
// Discovery is optional: the Production and Staging presets already carry
// the endpoints. It protects against a mis-typed base URL, not against a
// compromised server, so it enforces:
//
//   - the document's "issuer" equals EndpointFor(baseURL).Issuer exactly —
//     otherwise ID tokens would be checked against an issuer an attacker
//     chose (ErrIssuerMismatch);
//   - every endpoint obeys the transport rule (https, or http to loopback)
//     — there is no Insecure switch here: build the Endpoint by hand if you
//     need one (ErrInsecureURL);
//   - authorization, token and JWKS endpoints are present;
//   - the body is at most DefaultMaxResponseBytes (ErrResponseTooLarge).
//
// Endpoints the document omits stay empty; the Client methods that need them
// then return an error. httpClient nil means NewDefaultHTTPClient().
func Discover(ctx context.Context, httpClient *http.Client, baseURL string) (Endpoint, error) {
	base := strings.TrimRight(baseURL, "/")
	want := EndpointFor(base).Issuer
	docURL := base + pathDiscoveryWSO2
	if _, err := checkEndpointURL("discovery", docURL, false); err != nil {
		return Endpoint{}, err
	}
	if httpClient == nil {
		httpClient = NewDefaultHTTPClient()
	}
	r, err := httpGetJSON(ctx, httpClient, docURL, DefaultMaxResponseBytes, "discovery")
	if err != nil {
		return Endpoint{}, err
	}
	if r.status != http.StatusOK {
		return Endpoint{}, newRetrieveError("discovery", r)
	}
	var doc discoveryDocument
	if err := json.Unmarshal(r.body, &doc); err != nil {
		return Endpoint{}, fmt.Errorf("vnconnect: discovery: document is not JSON: %w", ErrInvalidResponse)
	}
	if doc.Issuer != want {
		// The issuer is configuration, not token material: quoting both is
		// safe and saves a debugging session.
		return Endpoint{}, fmt.Errorf("vnconnect: discovery: issuer %q, want %q: %w",
			sanitizeForMessage(doc.Issuer, 200), want, ErrIssuerMismatch)
	}
	for _, f := range []struct{ name, url string }{
		{"authorization_endpoint", doc.AuthorizationEndpoint},
		{"token_endpoint", doc.TokenEndpoint},
		{"jwks_uri", doc.JWKSURI},
	} {
		if f.url == "" {
			return Endpoint{}, fmt.Errorf("vnconnect: discovery: %s missing: %w", f.name, ErrInvalidResponse)
		}
	}
	ep := Endpoint{
		Issuer:           doc.Issuer,
		AuthURL:          doc.AuthorizationEndpoint,
		TokenURL:         doc.TokenEndpoint,
		UserInfoURL:      doc.UserInfoEndpoint,
		JWKSURL:          doc.JWKSURI,
		RevocationURL:    doc.RevocationEndpoint,
		IntrospectionURL: doc.IntrospectionEndpoint,
		EndSessionURL:    doc.EndSessionEndpoint,
	}
	if err := ep.check(false); err != nil {
		return Endpoint{}, fmt.Errorf("vnconnect: discovery: %w", err)
	}
	return ep, nil
}
