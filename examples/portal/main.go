// Command portal is rpkit's demo: a development Vnconnect and a small
// relying-party portal on loopback, with nothing to install.
//
//	go run ./examples/portal
//
// Open the portal URL it prints, press "Đăng nhập bằng Vnconnect", pick a
// seeded (fake) account on the dev login page, and the portal shows the
// verified identity. "Đăng xuất" ends the portal's session and Vnconnect's.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
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
	PortalURL, VnconnectURL string
	Fake                    *vnconnecttest.Server
}

// run starts both servers and serves until ctx ends.
func run(ctx context.Context, args []string, out io.Writer, ready func(started)) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:8080", "portal listen address")
	idpAddr := fs.String("vnconnect-addr", "127.0.0.1:8090", "dev Vnconnect listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}

	portalLn, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("portal listener: %w (choose another with -addr)", err)
	}
	defer portalLn.Close()
	idpLn, err := net.Listen("tcp", *idpAddr)
	if err != nil {
		return fmt.Errorf("dev Vnconnect listener: %w (choose another with -vnconnect-addr)", err)
	}
	defer idpLn.Close()
	portalURL := "http://" + portalLn.Addr().String()
	idpURL := "http://" + idpLn.Addr().String()

	const clientID, clientSecret = "cong-demo", "cong-demo-secret"
	fake, err := vnconnecttest.New(vnconnecttest.Config{
		BaseURL: idpURL,
		Clients: []vnconnecttest.ClientReg{{
			ID:                     clientID,
			Secret:                 clientSecret,
			RedirectURIs:           []string{portalURL + "/callback"},
			PostLogoutRedirectURIs: []string{portalURL + "/"},
		}},
	})
	if err != nil {
		return fmt.Errorf("dev Vnconnect: %w", err)
	}
	defer fake.Close()

	// The only difference from production is the endpoint: loopback http
	// is allowed by the client without any Insecure switch.
	client, err := vnconnect.NewClient(vnconnect.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		RedirectURL:  portalURL + "/callback",
		Endpoint:     vnconnect.EndpointFor(idpURL),
	})
	if err != nil {
		return fmt.Errorf("vnconnect client: %w", err)
	}
	app, err := newPortal(portalConfig{Client: client, BaseURL: portalURL})
	if err != nil {
		return err
	}

	servers := []*http.Server{
		{Handler: app, ReadHeaderTimeout: 10 * time.Second},
		{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second},
	}
	errc := make(chan error, 2)
	go func() { errc <- servers[0].Serve(portalLn) }()
	go func() { errc <- servers[1].Serve(idpLn) }()

	printBanner(out, portalURL, idpURL, fake.Accounts())
	if ready != nil {
		ready(started{PortalURL: portalURL, VnconnectURL: idpURL, Fake: fake})
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

func printBanner(out io.Writer, portalURL, idpURL string, accounts []vnconnecttest.Account) {
	fmt.Fprintf(out, "rpkit demo portal\n\n")
	fmt.Fprintf(out, "  Cổng thông tin (portal):   %s/\n", portalURL)
	fmt.Fprintf(out, "  Vnconnect (dev, giả lập):  %s/oauth2/token/.well-known/openid-configuration\n\n", idpURL)
	fmt.Fprintf(out, "Seeded fake accounts (pick one on the dev login page):\n")
	for _, a := range accounts {
		name := a.FullName
		if a.Type != vnconnecttest.Citizen && a.EnterpriseName != "" {
			name = a.EnterpriseName
		}
		fmt.Fprintf(out, "  %-36s  %s\n", a.TechID, name)
	}
	fmt.Fprintf(out, "\nCtrl+C stops both servers.\n")
}
