package vnconnecttest

import "net/http"

// routes maps WSO2's paths to handlers, each wrapped with the transport
// faults of its endpoint name.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	handle := func(path, name string, h http.HandlerFunc) { mux.Handle(path, s.endpoint(name, h)) }
	handle(PathDiscovery, EndpointDiscovery, s.handleDiscovery)
	handle(PathJWKS, EndpointJWKS, s.handleJWKS)
	handle(PathAuthorize, EndpointAuthorize, s.handleAuthorize)
	handle(PathLoginPage, EndpointAuthorize, s.handleLoginPage)
	handle(PathToken, EndpointToken, s.handleToken)
	handle(PathUserInfo, EndpointUserInfo, s.handleUserInfo)
	handle(PathRevoke, EndpointRevoke, s.handleRevoke)
	handle(PathIntrospect, EndpointIntrospect, s.handleIntrospect)
	handle(PathLogout, EndpointLogout, s.handleLogout)
	handle(pathLoggedOutPage, EndpointLogout, s.handleLoggedOut)
	handle(PathSearch, EndpointDirectory, s.handleSearch)
	handle(PathTraCuuTechID, EndpointDirectory, s.handleTraCuuTechID)
	handle(PathSAMLSSO, EndpointSAML, s.handleSAMLSSO)
	handle(PathSAMLMetadata, EndpointSAML, s.handleSAMLMetadata)
	return mux
}
