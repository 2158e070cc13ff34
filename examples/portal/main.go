// Command portal is rpkit's demo: a development Vnconnect and a small
// relying-party portal on loopback, with nothing to install.
//
//	go run ./examples/portal
//
// It starts a development Vnconnect (vnconnecttest) and two relying-party
// apps, a portal and a PAKN-like feedback app, built on vnconnect/web. Open
// the portal URL it prints, press "Đăng nhập bằng Vnconnect", pick a seeded
// (fake) account on the dev login page, and the portal shows the verified
// identity. Open the other app: it signs you in without asking (single
// sign-on). "Đăng xuất" on either ends the session everywhere (single logout,
// through Vnconnect's back-channel logout).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "portal:", err)
		os.Exit(1)
	}
}

// started tells a caller (the end-to-end test) where the servers listen.
type started struct {
	PortalURL, PAKNURL, VnconnectURL string
	Fake                             *vnconnecttest.Server
}

// rp is one relying-party app of the demo and its registration.
type rp struct {
	id, title string
	ln        net.Listener
	url       string
}

// run starts the dev Vnconnect and two relying-party apps, and serves until
// ctx ends.
func run(ctx context.Context, args []string, out io.Writer, ready func(started)) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:8080", "portal listen address")
	paknAddr := fs.String("pakn-addr", "127.0.0.1:8081", "PAKN-like app listen address")
	idpAddr := fs.String("vnconnect-addr", "127.0.0.1:8090", "dev Vnconnect listen address")
	verbose := fs.Bool("v", false, "log protocol failures to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}

	idpLn, err := net.Listen("tcp", *idpAddr)
	if err != nil {
		return fmt.Errorf("dev Vnconnect listener: %w (choose another with -vnconnect-addr)", err)
	}
	defer idpLn.Close()
	idpURL := "http://" + idpLn.Addr().String()
	apps := []*rp{{id: "cong-demo", title: "Cổng thông tin điện tử"}, {id: "pakn-demo", title: "Phản ánh, kiến nghị (PAKN)"}}
	for i, a := range apps {
		a.ln, err = net.Listen("tcp", []string{*addr, *paknAddr}[i])
		if err != nil {
			return fmt.Errorf("%s listener: %w (choose another with -addr / -pakn-addr)", a.title, err)
		}
		defer a.ln.Close()
		a.url = "http://" + a.ln.Addr().String()
	}

	// Each app is registered as Vnconnect's operator would: exact redirect
	// and post-logout URIs, and a back-channel logout URI so that a logout
	// anywhere ends its sessions too.
	cfg := vnconnecttest.Config{BaseURL: idpURL}
	for _, a := range apps {
		cfg.Clients = append(cfg.Clients, vnconnecttest.ClientReg{
			ID:                     a.id,
			Secret:                 a.id + "-secret",
			RedirectURIs:           []string{a.url + "/auth/callback"},
			PostLogoutRedirectURIs: []string{a.url + "/"},
			BackchannelLogoutURI:   a.url + "/auth/backchannel-logout",
		})
	}
	fake, err := vnconnecttest.New(cfg)
	if err != nil {
		return fmt.Errorf("dev Vnconnect: %w", err)
	}
	defer fake.Close()

	servers := []*http.Server{{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}}
	listeners := []net.Listener{idpLn}
	for i, a := range apps {
		// The only difference from production is the endpoint: loopback
		// http is allowed by the client without any Insecure switch.
		client, err := vnconnect.NewClient(vnconnect.Config{
			ClientID:     a.id,
			ClientSecret: a.id + "-secret",
			RedirectURL:  a.url + "/auth/callback",
			Endpoint:     vnconnect.EndpointFor(idpURL),
		})
		if err != nil {
			return fmt.Errorf("vnconnect client: %w", err)
		}
		other := apps[1-i]
		var samlSP web.SAMLProvider
		if i == 0 { // the portal offers SAML 2.0 login too
			if samlSP, err = newSAMLProvider(fake, a.url); err != nil {
				return err
			}
		}
		h, err := newApp(appConfig{
			Title: a.title, BaseURL: a.url, Client: client, SAML: samlSP, Logger: logger,
			Peers: []peer{{Title: other.title, URL: other.url}},
		})
		if err != nil {
			return err
		}
		servers = append(servers, &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second})
		listeners = append(listeners, a.ln)
	}

	errc := make(chan error, len(servers))
	for i, s := range servers {
		go func() { errc <- s.Serve(listeners[i]) }()
	}

	printBanner(out, apps, idpURL, fake.Accounts())
	if ready != nil {
		ready(started{PortalURL: apps[0].url, PAKNURL: apps[1].url, VnconnectURL: idpURL, Fake: fake})
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range servers {
		_ = s.Shutdown(shutdownCtx)
	}
	return nil
}

func printBanner(out io.Writer, apps []*rp, idpURL string, accounts []vnconnecttest.Account) {
	fmt.Fprintf(out, "rpkit demo\n\n")
	for _, a := range apps {
		fmt.Fprintf(out, "  %-28s %s/\n", a.title+":", a.url)
	}
	fmt.Fprintf(out, "  %-28s %s/oauth2/token/.well-known/openid-configuration\n\n", "Vnconnect (dev, giả lập):", idpURL)
	fmt.Fprintf(out, "Log in on one app, open the other: single sign-on. Log out on either: both end.\n\n")
	fmt.Fprintf(out, "Seeded fake accounts (pick one on the dev login page):\n")
	for _, a := range accounts {
		name := a.FullName
		if a.Type != vnconnecttest.Citizen && a.EnterpriseName != "" {
			name = a.EnterpriseName
		}
		fmt.Fprintf(out, "  %-36s  %s\n", a.TechID, name)
	}
	fmt.Fprintf(out, "\nCtrl+C stops the servers.\n")
}
