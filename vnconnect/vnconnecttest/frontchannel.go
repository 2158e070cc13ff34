package vnconnecttest

import (
	"net/http"
	"net/url"
)

// loggedOutView is the logged-out page: the front-channel iframes and,
// when the logout continues elsewhere, where to.
type loggedOutView struct {
	Frames []string
	Next   string
	Nonce  string
}

// frontchannelURLs are the iframe sources for the clients of an ended
// session that registered a FrontchannelLogoutURI, each with iss and sid
// (OIDC Front-Channel Logout 1.0 §2), in client ID order.
func (s *Server) frontchannelURLs(ended *endedSession) []string {
	var out []string
	for _, id := range ended.clients {
		c, ok := s.lookupClient(id)
		if !ok || c.FrontchannelLogoutURI == "" {
			continue
		}
		out = append(out, withQuery(c.FrontchannelLogoutURI, url.Values{"iss": {s.Issuer()}, "sid": {ended.sid}}).String())
	}
	return out
}

// FrontchannelLogoutURL is the iframe URL a client with a
// FrontchannelLogoutURI gets when session sid ends; "" if it has none.
func (s *Server) FrontchannelLogoutURL(clientID, sid string) string {
	return firstOr(s.frontchannelURLs(&endedSession{sid: sid, clients: []string{clientID}}), "")
}

func firstOr(list []string, def string) string {
	if len(list) == 0 {
		return def
	}
	return list[0]
}

// renderLoggedOut shows the logged-out page with the iframes. Its CSP
// allows framing the relying parties (http and https only) and the one
// script that moves on once every iframe has loaded; without JavaScript
// the "Tiếp tục" link does it.
func (s *Server) renderLoggedOut(w http.ResponseWriter, frames []string, next string) {
	nonce := s.randomToken()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-src http: https:; script-src 'nonce-"+nonce+"'; frame-ancestors 'none'")
	w.WriteHeader(http.StatusOK)
	_ = pages.ExecuteTemplate(w, "loggedout", loggedOutView{Frames: frames, Next: next, Nonce: nonce})
}
