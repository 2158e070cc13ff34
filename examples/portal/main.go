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
//
//	go run ./examples/portal -redis 127.0.0.1:6379 -replicas 3
//
// keeps the apps' sessions, pending logins and replay caches in Redis
// (under a fresh key prefix each run) and runs each app three times behind
// a round-robin proxy on its usual address: every request of a login lands
// on another replica, and it works because the state is shared.
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
	PortalURL, PAKNURL, VnconnectURL string
	Fake                             *vnconnecttest.Server
	Mode                             string // the banner's mode line
	// Served reports, for an app's public URL, how many requests the
	// round-robin proxy sent to each replica; nil without -replicas.
	Served func(appURL string) []int64
}

// rp is one relying-party app of the demo and its registration.
type rp struct {
	id, title string
	ln        net.Listener // the public address: the app, or its proxy
	url       string
	replicas  []string    // the replicas' own URLs, behind the proxy
	lb        *roundRobin // nil when the app runs once
}

// maxReplicas keeps a typo from opening a thousand listeners.
const maxReplicas = 16

// run starts the dev Vnconnect and two relying-party apps, and serves until
// ctx ends.
func run(ctx context.Context, args []string, out io.Writer, ready func(started)) error {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:8080", "portal listen address")
	paknAddr := fs.String("pakn-addr", "127.0.0.1:8081", "PAKN-like app listen address")
	idpAddr := fs.String("vnconnect-addr", "127.0.0.1:8090", "dev Vnconnect listen address")
	redisAddr := fs.String("redis", "", "keep sessions, pending logins and replay caches in the Redis at `ADDR` (host:port) instead of memory")
	replicas := fs.Int("replicas", 1, "run each app `N` times behind a round-robin proxy on its address (needs -redis)")
	verbose := fs.Bool("v", false, "log protocol failures to stderr")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *replicas < 1 || *replicas > maxReplicas:
		return fmt.Errorf("-replicas must be between 1 and %d", maxReplicas)
	case *replicas > 1 && *redisAddr == "":
		// In-memory stores are per process: a login started on one
		// replica would be unknown to the next one.
		return errors.New("-replicas needs -redis ADDR: the replicas share sessions and pending logins through Redis")
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}

	var backend *redisBackend
	mode := "in-memory stores, one instance per app"
	if *redisAddr != "" {
		var err error
		if backend, err = newRedisBackend(ctx, *redisAddr); err != nil {
			return err
		}
		defer func() {
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			backend.Close(cctx)
		}()
		mode = fmt.Sprintf("Redis at %s (key prefix %s), ", backend.addr, backend.prefix)
		if *replicas > 1 {
			mode += fmt.Sprintf("%d replicas per app behind a round-robin proxy", *replicas)
		} else {
			mode += "one instance per app"
		}
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
	// anywhere ends its sessions too. With replicas these are the proxy's
	// URLs: Vnconnect knows one app, not its instances.
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

	// front serves the public addresses; back the replicas behind the
	// proxies, shut down last so in-flight proxied requests can finish.
	front := []serving{{&http.Server{Handler: fake.Handler(), ReadHeaderTimeout: 10 * time.Second}, idpLn}}
	var back []serving
	for i, a := range apps {
		var samlID *samlIdentity
		if i == 0 { // the portal offers SAML 2.0 login too
			if samlID, err = newSAMLIdentity(fake, a.url); err != nil {
				return err
			}
		}
		build := func() (http.Handler, error) {
			var st stores
			if backend != nil {
				var err error
				if st, err = backend.storesFor(a.id); err != nil {
					return nil, err
				}
			}
			return newInstance(a, apps[1-i], idpURL, fake, samlID, st, logger)
		}
		if *replicas == 1 {
			h, err := build()
			if err != nil {
				return err
			}
			front = append(front, serve(h, a.ln))
			continue
		}
		for range *replicas {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return fmt.Errorf("%s replica listener: %w", a.title, err)
			}
			defer ln.Close()
			h, err := build()
			if err != nil {
				return err
			}
			a.replicas = append(a.replicas, "http://"+ln.Addr().String())
			back = append(back, serve(h, ln))
		}
		if a.lb, err = newRoundRobin(a.replicas, logger); err != nil {
			return err
		}
		front = append(front, serve(a.lb, a.ln))
	}

	all := append(append([]serving(nil), front...), back...)
	errc := make(chan error, len(all))
	for _, s := range all {
		go func() { errc <- s.srv.Serve(s.ln) }()
	}

	printBanner(out, mode, apps, idpURL, fake.Accounts())
	if ready != nil {
		st := started{PortalURL: apps[0].url, PAKNURL: apps[1].url, VnconnectURL: idpURL, Fake: fake, Mode: mode}
		if *replicas > 1 {
			st.Served = func(appURL string) []int64 {
				for _, a := range apps {
					if a.url == appURL {
						return a.lb.counts()
					}
				}
				return nil
			}
		}
		ready(st)
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
	for _, s := range all {
		_ = s.srv.Shutdown(shutdownCtx)
	}
	return nil
}

func printBanner(out io.Writer, mode string, apps []*rp, idpURL string, accounts []vnconnecttest.Account) {
	fmt.Fprintf(out, "rpkit demo — %s\n\n", mode)
	for _, a := range apps {
		fmt.Fprintf(out, "  %-28s %s/\n", a.title+":", a.url)
		for j, r := range a.replicas {
			fmt.Fprintf(out, "  %-28s %s/\n", fmt.Sprintf("  replica %d:", j+1), r)
		}
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
