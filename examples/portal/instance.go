package main

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/rpkit-vn/rpkit/examples/portal/internal/platform"
	"github.com/rpkit-vn/rpkit/examples/portal/internal/ui"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

// newInstance builds one running copy of app a: its own vnconnect.Client,
// SAML service provider (when samlID is set) and web.Handler, on stores st
// and platform plat. Replicas are several such copies with the same
// registration, so each one is built from a.url (the public address),
// never its own listener.
func newInstance(a *rp, apps []*rp, idpURL string, fake *vnconnecttest.Server, samlID *samlIdentity, st stores, plat *platform.Platform, logger *slog.Logger) (http.Handler, error) {
	// The only difference from production is the endpoint: loopback http
	// is allowed by the client without any Insecure switch.
	client, err := vnconnect.NewClient(vnconnect.Config{
		ClientID:     a.id,
		ClientSecret: a.id + "-secret",
		RedirectURL:  a.url + "/auth/callback",
		Endpoint:     vnconnect.EndpointFor(idpURL),
	})
	if err != nil {
		return nil, fmt.Errorf("vnconnect client: %w", err)
	}
	var samlSP web.SAMLProvider
	if samlID != nil {
		if samlSP, err = samlID.provider(fake, st); err != nil {
			return nil, err
		}
	}
	// The header links to the other apps' profile pages: following one
	// signs the person in there without a login page (single sign-on).
	var peers []ui.Link
	for _, o := range apps {
		if o != a {
			peers = append(peers, ui.Link{Title: o.title, URL: o.url + "/ho-so"})
		}
	}
	return newApp(appConfig{
		Title: a.title, Kind: a.kind, BaseURL: a.url, Client: client, SAML: samlSP, Logger: logger, Stores: st,
		Peers: peers, Platform: plat,
	})
}

// serving is one HTTP server and the listener it will serve.
type serving struct {
	srv *http.Server
	ln  net.Listener
}

func serve(h http.Handler, ln net.Listener) serving {
	return serving{&http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, ln}
}
